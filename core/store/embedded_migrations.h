#pragma once
// The store's own migrations (the top-level migrations/ folder), compiled into the binary by
// cmake/embed_files.cmake.
#include <string>
#include <vector>

namespace strata::store {

struct EmbeddedFile {
  std::string name;
  std::string content;
};

// Sorted by file name.
const std::vector<EmbeddedFile>& store_migration_files();

}  // namespace strata::store
