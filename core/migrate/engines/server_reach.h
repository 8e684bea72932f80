#pragma once
// What in a statement reaches past any scratch database on a server engine: the server's own
// files and programs (COPY ... TO PROGRAM, pg_read_file, SELECT ... INTO OUTFILE, LOAD_FILE),
// other servers (dblink, foreign servers), the server's settings and other sessions. A pull
// request's migration replayed by `check --roundtrip`/`--drift` or proven by `diff` runs with the
// user's role on the user's server, often a superuser in CI; nothing that a scratch database
// holds can contain these, so the replay refuses them before they run.
//
// The scan reads the whole text of the statement, function bodies and string literals included:
// a DO block or EXECUTE '...' holds the same words. It is a list of words, not a sandbox: SQL
// that assembles such a name at run time ('pg_read' || '_file') is not seen, which is why
// strata-security(7) says to run CI's replays with a role that is not a superuser.
#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace strata::migrate {

enum class ReachKind {
  call,      // a function called by this name: `name (`, `"name"(`
  words,     // these words in a row, separated by blanks, comments or quotes ("to program")
  word,      // this word anywhere (an extension or language that reaches out: "dblink")
  file_arg,  // this word followed by a string literal ('...', E'...', U&'...', $$...$$): "to '/tmp/x'"
};

struct ReachRule {
  ReachKind kind;
  std::string_view text;    // lower case; words separated by one space
  std::string_view needs;   // "" or a word that must come earlier in the statement ("copy")
  std::string_view why;     // "reads the server's files"
};

struct Reach {
  std::size_t offset = 0;  // in the statement's text
  std::string what;        // as written in the rule: "to program"
  std::string why;
};

// The first rule of `rules` that `statement` matches, or nullopt. Words are runs of letters,
// digits, '_', '$' and '@' (MySQL's @@global), compared without regard to case.
std::optional<Reach> find_server_reach(std::string_view statement, std::span<const ReachRule> rules);

}  // namespace strata::migrate
