#pragma once
// ${NAME} placeholders in migration SQL, expanded from the environment at run time (goose's
// ENVSUB, Flyway's placeholders). Opt-in: a section marked `envsub:on`, or every section when the
// project asks (migrate.envsub). The checksum stays the file's, so a changed value is not a
// changed migration; what is printed (dry run, history, messages) shows ${NAME}, never the value,
// unless the user asks.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"
#include "migrate/model/migration.h"
#include "net/endpoint.h"

namespace strata::migrate {

struct Placeholders {
  bool everywhere = false;  // migrate.envsub / --envsub: every section, marked or not
  // Whether a section's own `envsub:on` marker may expand it. The marker is the migration file's
  // request for values of the user's environment: the file is the project's (a pull request's),
  // so the request is granted only with the user's consent (config/trust.h: a trusted project);
  // `everywhere` is the user's own --envsub or user file. Without either, a marked section with
  // placeholders is refused (expand_placeholders), never run with the text as written.
  bool section_markers = true;
  net::Getenv getenv;       // where the values come from
  // Set when ./.env or a project's strata.toml chose the database server and the user has not
  // trusted it (Endpoint::untrusted_choice): values from the environment never go there.
  std::string server_chosen_by;

  bool apply_to(const Section& s) const { return everywhere || s.envsub; }
};

// One ${NAME} in a text: where it starts and the name.
struct Placeholder {
  std::size_t offset = 0;
  std::string name;
};

// Every ${NAME} of `sql` (NAME: a letter or '_', then letters, digits, '_'), in order.
std::vector<Placeholder> find_placeholders(std::string_view sql);

// `section` with each ${NAME} replaced by its value, when `p` applies to it (else unchanged).
// Error(invalid_input) "file:line: ${NAME} is not set" for the first variable unset or empty;
// Error(usage) when the section has placeholders and p.server_chosen_by is set, or when only its
// marker asks for them and p.section_markers is false.
// `values`, when given, receives the values used (to scrub them from messages).
Section expand_placeholders(const Section& section, const Placeholders& p, std::vector<std::string>* values = nullptr);

// `text` with every piece of a value hidden: a database's message may quote the statement it
// refused, and may have changed the value first (SQLite lower-cases the JSON path it quotes, and
// names a column by a prefix of it). Every 4 consecutive bytes of `text` that occur anywhere
// in a value of at least 4 bytes, ignoring ASCII case, are hidden, and each run of hidden bytes
// (widened to whole UTF-8 characters) becomes "***". Text that only resembles a value may be
// hidden too; a value transformed otherwise (hex, reversed) is not recognised. Linear.
std::string hide_values(std::string_view text, const std::vector<std::string>& values);

// `e` with values hidden (hide_values) from its message and hint, leaving the location the
// message starts with ("file:line:col: ", `file` the section's) as it is.
Error hide_values(const Error& e, const std::string& file, const std::vector<std::string>& values);

}  // namespace strata::migrate
