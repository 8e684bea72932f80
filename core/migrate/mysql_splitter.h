#pragma once
// Splits MySQL and MariaDB migration SQL into statements the way the `mysql` client does,
// without a server (issue 21):
// - `DELIMITER xx` on a line of its own changes what ends a statement (for procedures,
//   functions, triggers and events whose bodies hold ';'); the line is the client's, never sent;
// - 'strings' and "strings" with backslash escapes and doubled quotes, `backtick` identifiers
//   (doubled backticks), # and "-- " comments to the end of the line and /* */ comments do not
//   end a statement;
// - /*! ... */ and /*!50001 ... */ (conditional comments, run by the server) stay in the
//   statement, and a delimiter inside one does not end it.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

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

MysqlSplit split_mysql(std::string_view sql);

}  // namespace strata::migrate
