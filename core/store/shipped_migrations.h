#pragma once
// A store's own migrations as the migration engine takes them, from the files compiled into the
// binary (embedded_migrations.h): the SQLite store's and the PostgreSQL store's alike.
#include <string>
#include <vector>

#include "migrate/model/migration_source.h"
#include "store/embedded_migrations.h"

namespace strata::store {

// The versions of `files`, from their names alone (no hashing, no parsing), ascending.
std::vector<migrate::Version> shipped_versions_of(const std::vector<EmbeddedFile>& files);

// `files` loaded and checked as a migration set named `origin` ("strata:migrations").
migrate::MigrationSet shipped_migrations_of(const std::vector<EmbeddedFile>& files, const std::string& origin);

}  // namespace strata::store
