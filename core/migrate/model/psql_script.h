#pragma once
// psql's own part of a script, done before the script reaches the server: Sqitch runs a
// PostgreSQL project's scripts through psql (`psql --file`), so a deploy script may hold psql's
// meta-commands and variables, which the server would refuse as SQL. strata does what psql does
// with them and sends the SQL that is left:
//   \set NAME VALUE...   \unset NAME   (VALUE: words, 'quoted' with psql's escapes, :var, and
//                                        `cat FILE` read from the project)
//   :name  :'name'  :"name"  :{?name}   interpolated outside string literals, quoted identifiers,
//                                        dollar quotes and comments, as psql does
//   \i FILE  \ir FILE    a file of the project, relative to psql's working directory (\i) or to
//                        the including file (\ir)
//   \if \elif \else \endif   psql's booleans (true, false, on, off, yes, no, 1, 0 and prefixes)
//   \echo \qecho \warn   accepted, printing nothing; \q ends the script; \pset \timing \a \t \x,
//                        which change only what psql prints, done as nothing
//   \; \:                a literal ; or :
// The script is a project's file: data, never instructions. No shell command runs: a backquoted
// argument is read only when it is exactly `cat FILE`, FILE inside the project; any other is
// refused. No file outside the project is read (symbolic links resolved). Any other
// meta-command (\gset, \copy, \connect, \!, ...) is refused. The whole script is expanded
// before any of it runs, so a refusal leaves nothing half-applied.
#include <cstddef>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "migrate/model/migration.h"

namespace strata::migrate {

struct PsqlRun {
  // The project: no file outside it is read.
  std::filesystem::path project;
  // psql's working directory, against which \i and `cat FILE` resolve (Sqitch runs psql in the
  // directory it was started in, the project's top).
  std::filesystem::path work_dir;
  // Variables set on psql's command line (`--set NAME=VALUE`), as the script starts.
  std::map<std::string, std::string> variables;
};

struct PsqlExpansion {
  // The SQL psql would send. A meta-command's line stays as an empty line, so that lines after
  // it keep their numbers until the first value or included file of more than one line.
  std::string sql;
  // What psql would refuse, or strata does not do: "file:line: message"; sql is then empty.
  std::optional<Problem> problem;
};

// `text` (the file `file`) run through psql's meta-commands and variables.
PsqlExpansion expand_psql(std::string_view text, const std::filesystem::path& file, const PsqlRun& run);

// Where `text`'s first psql meta-command starts: a backslash outside string literals, quoted
// identifiers, dollar quotes and comments. SQL alone has none: nullopt.
std::optional<std::size_t> find_psql_command(std::string_view text);

}  // namespace strata::migrate
