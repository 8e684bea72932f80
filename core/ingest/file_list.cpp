#include "ingest/file_list.h"

namespace strata::ingest {

std::vector<std::string> parse_file_list(std::string_view data, bool nul) {
  const char separator = nul ? '\0' : '\n';
  std::vector<std::string> paths;
  while (!data.empty()) {
    const std::size_t end = data.find(separator);
    std::string_view entry = data.substr(0, end);
    data.remove_prefix(end == std::string_view::npos ? data.size() : end + 1);
    if (!nul && entry.ends_with('\r')) entry.remove_suffix(1);
    if (!entry.empty()) paths.emplace_back(entry);
  }
  return paths;
}

}  // namespace strata::ingest
