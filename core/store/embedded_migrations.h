#pragma once
// The store's own migrations (the top-level migrations/ folder, and migrations/postgres/ for a
// store on PostgreSQL), compiled into the binary by
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
// The store's migrations on PostgreSQL (migrations/postgres/), sorted by file name.
const std::vector<EmbeddedFile>& store_postgres_migration_files();

}  // namespace strata::store
