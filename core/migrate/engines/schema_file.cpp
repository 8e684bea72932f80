// Lines taken out of a schema file, their places kept (schema_file.h).
#include "migrate/engines/schema_file.h"

namespace strata::migrate {

std::string without_lines(std::string_view sql, const std::function<bool(std::string_view line)>& drop) {
  std::string out;
  out.reserve(sql.size());
  std::size_t at = 0;
  while (at < sql.size()) {
    std::size_t end = sql.find('\n', at);
    end = end == std::string_view::npos ? sql.size() : end + 1;
    const std::string_view line = sql.substr(at, end - at);
    const bool newline = line.ends_with('\n');
    if (!drop(newline ? line.substr(0, line.size() - 1) : line)) {
      out.append(line);
    } else if (newline) {
      out.push_back('\n');
    }
    at = end;
  }
  return out;
}

}  // namespace strata::migrate
