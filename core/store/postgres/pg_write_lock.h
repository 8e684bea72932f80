#pragma once
// A collection's write lock on PostgreSQL: what BEGIN IMMEDIATE is to the SQLite store, for one
// collection instead of the whole file. Every writer of a collection's documents, chunks or
// keyword statistics (the document writer, removing documents or the collection) takes it first
// inside its transaction, so two processes writing one collection take turns and the statistics
// they adjust stay exact; writers of different collections do not wait for each other.
//
// The lock is the collection name's row of write_locks, locked FOR UPDATE (released by COMMIT or
// ROLLBACK, or when the session dies: a killed writer never leaves it behind). Not an advisory
// lock: any role that may connect can take one of those, and a reader would hold every writer
// off; locking a row FOR UPDATE needs UPDATE on write_locks, which only writers are granted
// (migrations/postgres/0004_write_locks.sql).
#include <chrono>
#include <cstdint>
#include <string>

#include "pq/connection.h"

namespace strata::store::pg {

// REQUIRES: inside a transaction. Takes the collection's write lock, waiting up to `wait` (0: not
// at all). When it is not had in time the transaction is rolled back and Error(unavailable) says
// which session holds the lock (its server process id, program, client address and since when),
// with the wait:
//   "postgres://…/db (schema strata): collection 'docs' is locked by another writer (server pid
//    4242, strata writer on build-7 pid 311, from 10.0.0.7, in a transaction since …; waited 5.00 s)"
// The session's application_name becomes "strata writer on HOST pid PID", so that another
// process's timeout names this one.
void lock_collection(pq::Connection& c, const std::string& collection, std::chrono::milliseconds wait);

}  // namespace strata::store::pg
