#include "ingest/source_id.h"

namespace strata::ingest {

std::filesystem::path absolute_path(const std::filesystem::path& path) {
  std::error_code ec;
  std::filesystem::path abs = std::filesystem::absolute(path, ec);
  if (ec) abs = path;
  abs = abs.lexically_normal();
  // "docs/" normalises to "docs/" with an empty file name; identities never end in '/'.
  if (!abs.has_filename() && abs.has_parent_path() && abs != abs.root_path()) abs = abs.parent_path();
  return abs;
}

std::string source_id(const std::filesystem::path& path, const std::filesystem::path& working_dir) {
  const std::filesystem::path abs = absolute_path(path);
  const std::filesystem::path rel = abs.lexically_relative(working_dir);
  if (!rel.empty() && *rel.begin() != ".." && rel != ".") return rel.generic_string();
  return abs.generic_string();
}

}  // namespace strata::ingest
