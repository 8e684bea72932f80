#pragma once
// Splits MySQL and MariaDB migration SQL into statements the way the `mysql` client does,
// without a server (issue 21):
// - `DELIMITER xx` on a line of its own changes what ends a statement (for procedures,
//   functions, triggers and events whose bodies hold ';'); the line is the client's, never sent;
// - 'strings' and "strings" with backslash escapes and doubled quotes, `backtick` identifiers
//   (doubled backticks), # and "-- " comments to the end of the line and /* */ comments do not
//   end a statement;
// - /*! ... */ and /*!50001 ... */ (conditional comments, run by the server) stay in the
//   statement, and a delimiter inside one does not end it;
// - without DELIMITER, a stored program (CREATE PROCEDURE, FUNCTION, TRIGGER, EVENT; BEGIN NOT
//   ATOMIC) keeps the ';'s of its BEGIN ... END, IF, CASE and loop blocks, as the server reads it
//   when dbmate or golang-migrate send the file as one query.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "migrate/engines/sql_word.h"

namespace strata::migrate {

struct MysqlStatement {
  std::size_t offset = 0;  // first byte (after leading blanks and comments)
  std::size_t length = 0;  // up to and excluding the delimiter that ends it
};

struct MysqlSplit {
  std::vector<MysqlStatement> statements;  // statements holding only comments are left out
  // Set when a quote or comment is never closed, a DELIMITER line names no delimiter, or the text
  // ends inside a statement while a DELIMITER other than ';' is in force (the statement would be
  // sent unfinished): where the problem began, and what it is.
  std::optional<std::size_t> error_offset;
  std::string error;
};

// `first_line`: the line of the file `sql` starts on, for the line numbers in `error`.
MysqlSplit split_mysql(std::string_view sql, std::size_t first_line = 1);

// The words of one MySQL statement (for the run plan and lint), as postgres_words gives them:
// keywords and identifiers upper-cased, `backticked` names with `quoted` set and their text as
// written, ( ) , . as one-character words; strings and comments left out, the inside of a /*!
// conditional comment read as the server reads it. At most `max_words`.
std::vector<SqlWord> mysql_words(std::string_view sql, std::size_t max_words = static_cast<std::size_t>(-1));

// `statement` (one of split_mysql's) with each DEFINER = user clause of a CREATE or ALTER blanked
// out, also inside conditional comments as mysqldump writes them (/*!50013 DEFINER=`u`@`h` SQL
// SECURITY DEFINER */, /*!50017 DEFINER=`u`@`h`*/): the object is then defined by whoever runs it.
// Same length, line breaks kept, so the server's error positions still point into the text given.
// SQL SECURITY DEFINER and the rest of the statement are left as they are.
std::string without_definer_clauses(std::string_view statement);

}  // namespace strata::migrate
