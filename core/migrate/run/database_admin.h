#pragma once
// `strata migrate create` and `drop`: the database itself, as dbmate's `create` and `drop`.
// Both are idempotent: nothing to do is not an error, and the result says so.
#include "migrate/engines/driver.h"

namespace strata::migrate {

// Creates the database. SQLite: an empty database file (its folder must exist). PostgreSQL:
// CREATE DATABASE of the URL's database, over a connection to the server's `postgres` database
// (`template1` for `postgres` itself); the URL must name one. Returns false when it already
// exists. Errors are Error(unavailable) with the server's message, Error(usage) for a URL that
// names no database.
bool create_database(const Endpoint& endpoint);

// Drops the database and all its data. SQLite: the file and its -wal, -shm and -journal files;
// a file that is not a SQLite database is refused (exit 7), never removed. PostgreSQL: DROP
// DATABASE (refused by the server while others are connected to it). Returns false when it
// did not exist. Asking the user first is the caller's.
bool drop_database(const Endpoint& endpoint);

// Error(unavailable) naming the folder of the SQLite file `path` when it does not exist (the
// file can then never be created), for create and wait.
void require_sqlite_folder(const std::string& path);

}  // namespace strata::migrate
