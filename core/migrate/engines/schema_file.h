#pragma once
// The lines of a schema file that the engine's own client runs, or that a new database refuses,
// taken out before the server reads it (Engine::schema_file_sql).
#include <functional>
#include <string>
#include <string_view>

namespace strata::migrate {

// `sql` with every line `drop` says yes to made empty: the line ending stays, so positions still
// name the file's lines. `drop` sees the line without its ending.
std::string without_lines(std::string_view sql, const std::function<bool(std::string_view line)>& drop);

}  // namespace strata::migrate
