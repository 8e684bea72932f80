#include "store/shipped_migrations.h"

#include <algorithm>

#include "migrate/model/migration_parser.h"

namespace strata::store {

std::vector<migrate::Version> shipped_versions_of(const std::vector<EmbeddedFile>& files) {
  std::vector<migrate::Version> v;
  for (const EmbeddedFile& f : files) {
    const auto name = migrate::parse_file_name(f.name);
    if (name) v.push_back(name->version);
  }
  std::sort(v.begin(), v.end());
  return v;
}

migrate::MigrationSet shipped_migrations_of(const std::vector<EmbeddedFile>& files, const std::string& origin) {
  std::vector<migrate::NamedContent> named;
  for (const EmbeddedFile& f : files) named.push_back({f.name, f.content});
  migrate::MigrationSet set = migrate::load_files(named, origin);
  set.require_valid();
  return set;
}

}  // namespace strata::store
