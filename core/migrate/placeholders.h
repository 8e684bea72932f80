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

#include "migrate/migration.h"
#include "net/endpoint.h"

namespace strata::migrate {

struct Placeholders {
  bool everywhere = false;  // migrate.envsub / --envsub: every section, marked or not
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
// Error(usage) when the section has placeholders and p.server_chosen_by is set.
// `values`, when given, receives the values used (to scrub them from messages).
Section expand_placeholders(const Section& section, const Placeholders& p, std::vector<std::string>* values = nullptr);

// `text` with every value of at least 4 bytes replaced by "***": a server's message may quote the
// statement it refused.
std::string hide_values(std::string text, const std::vector<std::string>& values);

}  // namespace strata::migrate
