#include "store/store.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <filesystem>

#include "common/error.h"
#include "migrate/migration_source.h"
#include "migrate/migrator.h"
#include "store/embedded_migrations.h"

namespace strata::store {
namespace {

migrate::MigrationSet shipped_migrations() {
  std::vector<migrate::NamedContent> files;
  for (const EmbeddedFile& f : store_migration_files()) files.push_back({f.name, f.content});
  migrate::MigrationSet set = migrate::load_files(files, "strata:migrations");
  set.require_valid();
  return set;
}

}  // namespace

struct Store::Impl {
  std::string path;
  std::int64_t version = 0;
  std::unique_ptr<SQLite::Database> db;
};

Store::Store(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Store::~Store() = default;
Store::Store(Store&&) noexcept = default;
Store& Store::operator=(Store&&) noexcept = default;

const std::string& Store::path() const { return impl_->path; }
std::int64_t Store::schema_version() const { return impl_->version; }

std::int64_t Store::latest_schema_version() {
  static const std::int64_t latest = shipped_migrations().migrations.back().version;
  return latest;
}

Store Store::open(const std::string& path) {
  const std::filesystem::path parent = std::filesystem::path(path).parent_path();
  std::error_code ec;
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);

  migrate::MigrationSet shipped = shipped_migrations();
  const migrate::Version latest = shipped.migrations.back().version;
  migrate::Migrator migrator(migrate::Target{path, k_store_history_table, std::chrono::seconds(60)},
                             std::move(shipped));
  const migrate::Status status = migrator.status();
  for (const migrate::StatusEntry& e : status.entries) {
    if (e.state == migrate::EntryState::missing && e.version > latest) {
      throw Error(ExitCode::history_mismatch,
                  path + ": store schema version " + std::to_string(e.version) +
                      " is newer than this strata supports (" + std::to_string(latest) + ")",
                  "upgrade strata to use this store");
    }
  }
  if (status.pending > 0) migrator.up(migrate::UpOptions{});

  auto impl = std::make_unique<Impl>();
  impl->path = path;
  impl->version = latest;
  try {
    impl->db = std::make_unique<SQLite::Database>(path, SQLite::OPEN_READWRITE, 60000);
    impl->db->exec("PRAGMA journal_mode = WAL");
    impl->db->exec("PRAGMA foreign_keys = ON");
  } catch (const SQLite::Exception& e) {
    throw Error(ExitCode::unavailable, path + ": " + e.what());
  }
  return Store(std::move(impl));
}

}  // namespace strata::store
