#pragma once
// The foreign-objects check's passing verdict (pg_foreign_objects.h), kept in the user's cache so
// that a command does not read the schema's catalog again while nothing on the server can have
// changed it. The check costs a new session 15 to 20 ms of the server's time (twenty catalogs
// read cold, definitions printed), a third of a `strata search` process on PostgreSQL.
//
// A verdict is the server's snapshot (pg_current_snapshot(): the transactions committed, running
// and not yet begun) of the transaction the passing check read the catalog in. A later session
// whose own snapshot is the very same sees the very same rows, catalogs included: no transaction
// has committed since, and every change to a catalog (CREATE, ALTER, DROP, GRANT) is one that
// takes a transaction id, which moves the snapshot on. Any write anywhere on the server (another
// database's included) also moves it, and then the check runs again, as before; so the verdict
// saves the check on a server that is read between writes, and costs nothing where it is written
// all the time.
//
// A verdict is the user's own: it is kept under their cache folder (private to them, as the
// vector snapshots are), filed under a digest of what it holds for: the server's display (host,
// port, database, user), the role, the database's and the schema's oids, when the server's
// postmaster started (another server, or the same one restarted, never shares a snapshot with a
// verdict kept before), and the very strata binary that reached it (its path, size and time:
// another build may check differently). A file that is missing, unreadable, a link or of another
// snapshot is no verdict.
#include <string>

namespace strata::store::pg {

// Where the verdict for `identity` (the server and role as above, joined) is kept: a file under
// `cache_folder`, or "" when nothing is kept (no cache folder, or this binary cannot be named).
std::string objects_verdict_file(const std::string& cache_folder, const std::string& identity);

// Whether `file` holds a passing verdict reached at `snapshot`.
bool objects_verdict_holds(const std::string& file, const std::string& snapshot);

// Keeps a passing verdict reached at `snapshot` in `file` (its folders made private to the user).
// Best effort: a verdict that cannot be written only costs the next command the check.
void keep_objects_verdict(const std::string& file, const std::string& snapshot);

}  // namespace strata::store::pg
