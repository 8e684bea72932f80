#include "migrate/run/database_admin.h"

#include <filesystem>

#include "common/error.h"
#include "migrate/engines/engines.h"
#include "sqlite/connection.h"
#include "common/setting.h"

namespace strata::migrate {

namespace {

namespace fs = std::filesystem;

// Opening read-only reads the header: a file that is not a database is Error(unavailable) naming it.
void require_sqlite_file(const std::string& path) {
  sqlite::Connection::open_existing_read_only(path, std::chrono::milliseconds(0));
}

const std::string& named_database(const Endpoint& e) {
  if (e.database.empty()) {
    throw Error(ExitCode::usage, e.display + ": the URL names no database",
                "end it with the database's name: " + std::string(engine(e.kind).url_example));
  }
  return e.database;
}

// A connection to the server, for creating or dropping `target` (engines.h).
std::unique_ptr<Driver> admin_connection(const Endpoint& e, const std::string& target) {
  return engine(e.kind).open_admin(e, target);
}

bool database_exists(Driver& admin, const std::string& name) {
  return !admin.query(engine(admin.kind()).database_lookup(admin, name), "looking the database up").empty();
}

std::string database_identifier(const Driver& admin, const std::string& name) {
  return engine(admin.kind()).database_identifier(name);
}

}  // namespace

void require_sqlite_folder(const std::string& path) {
  const fs::path folder = fs::path(path).parent_path();
  std::error_code ec;
  if (folder.empty() || fs::is_directory(folder, ec)) return;
  throw Error(ExitCode::unavailable, path + ": the folder " + folder.string() + " does not exist",
              "create it, or give " + mention(Setting::database) + " a path in an existing folder");
}

bool create_database(const Endpoint& e) {
  if (engine(e.kind).storage == Storage::file) {
    require_sqlite_folder(e.path);
    std::error_code ec;
    if (fs::exists(e.path, ec)) {
      require_sqlite_file(e.path);
      return false;
    }
    sqlite::Connection created(e.path, sqlite::OpenMode::read_write_create, std::chrono::milliseconds(0));
    created.exec("PRAGMA user_version = 0");  // writes nothing, but the file is there
    return true;
  }
  const std::string& name = named_database(e);
  const auto admin = admin_connection(e, name);
  if (database_exists(*admin, name)) return false;
  admin->exec("CREATE DATABASE " + database_identifier(*admin, name), "creating the database " + name);
  return true;
}

bool drop_database(const Endpoint& e) {
  if (engine(e.kind).storage == Storage::file) {
    std::error_code ec;
    if (!fs::exists(e.path, ec)) return false;
    require_sqlite_file(e.path);
    for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
      const std::string file = e.path + suffix;
      if (!fs::remove(file, ec) && ec) {
        throw Error(ExitCode::unavailable, file + ": cannot remove: " + ec.message());
      }
    }
    return true;
  }
  const std::string& name = named_database(e);
  const auto admin = admin_connection(e, name);
  if (!database_exists(*admin, name)) return false;
  admin->exec("DROP DATABASE " + database_identifier(*admin, name), "dropping the database " + name);
  return true;
}

}  // namespace strata::migrate
