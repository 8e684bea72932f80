#include "store/postgres/pg_write_lock.h"

#include <unistd.h>

#include <array>
#include <string_view>

#include "common/error.h"

namespace strata::store::pg {
namespace {

// What this process calls itself on the server (pg_stat_activity.application_name, at most 63
// bytes of printable ASCII): the name a waiting writer's message gives.
std::string pg_writer_name() {
  std::array<char, 256> host{};
  if (gethostname(host.data(), host.size() - 1) != 0) host[0] = '\0';
  std::string name = "strata writer on ";
  for (const char* p = host.data(); *p != '\0' && name.size() < 40; ++p) {
    name += (*p > 0x20 && *p < 0x7f) ? *p : '?';
  }
  return name + " pid " + std::to_string(::getpid());
}

// "5.00 s", as the SQLite store words its busy timeout.
std::string pg_waited(std::chrono::milliseconds wait) {
  return std::to_string(static_cast<double>(wait.count()) / 1000.0).substr(0, 4) + " s";
}

// The sessions holding `collection`'s row of write_locks, described for a message ("server pid
// 4242, strata writer on build-7 pid 311, from 10.0.0.7, in a transaction since 2026-…"); "" when
// none does any more. The row's xmax is its locker's transaction id (pgrowlocks reads it so),
// and that transaction's own lock in pg_locks names the session. A row its first writer has
// inserted and not yet committed is seen by no one else: then the holders are the sessions
// writing to write_locks now (the inserting one among them). A role without pg_read_all_stats
// sees other roles' sessions without their program and address: those parts are left out.
std::string pg_lock_holders(pq::Connection& c, const std::string& collection) {
  pq::Result r = c.exec(
      "WITH locker AS ("
      "  SELECT l.pid FROM write_locks w"
      "    JOIN pg_locks l ON l.locktype = 'transactionid' AND l.transactionid = w.xmax AND l.granted"
      "     AND l.mode = 'ExclusiveLock'"
      "   WHERE w.collection = $1 AND w.xmax <> '0'::xid),"
      " inserter AS ("
      "  SELECT l.pid FROM pg_locks l"
      "   WHERE NOT EXISTS (SELECT 1 FROM locker) AND l.locktype = 'relation' AND l.granted"
      "     AND l.relation = 'write_locks'::regclass AND l.mode = 'RowExclusiveLock' AND l.pid <> pg_backend_pid())"
      "SELECT h.pid, coalesce(a.application_name, ''), coalesce(host(a.client_addr), ''),"
      "       coalesce(to_char(a.xact_start AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), '')"
      "  FROM (SELECT pid FROM locker UNION SELECT pid FROM inserter) h"
      "  LEFT JOIN pg_stat_activity a ON a.pid = h.pid ORDER BY h.pid",
      {collection}, false, "finding the lock's holder");
  std::string out;
  for (int i = 0; i < r.rows(); ++i) {
    if (!out.empty()) out += "; ";
    out += "server pid " + r.str(i, 0);
    if (!r.text(i, 1).empty()) out += ", " + r.str(i, 1);
    out += r.text(i, 2).empty() ? ", over a local socket" : ", from " + r.str(i, 2);
    if (!r.text(i, 3).empty()) out += ", in a transaction since " + r.str(i, 3);
  }
  return out;
}

[[noreturn]] void pg_locked(pq::Connection& c, const std::string& collection, std::chrono::milliseconds wait) {
  c.rollback();  // the failed wait aborted the transaction; the holder is read outside it
  std::string holders;
  try {
    holders = pg_lock_holders(c, collection);
  } catch (const Error&) {
    holders.clear();  // the message below still says what happened
  }
  const std::string who = holders.empty() ? "another writer, which has since let go" : holders;
  c.fail(ExitCode::unavailable,
         "collection '" + collection + "' is locked by another writer (" + who + "; waited " + pg_waited(wait) + ")",
         "try again when that writer has finished, or wait longer: store.busy_timeout / $STRATA_BUSY_TIMEOUT (seconds)");
}

}  // namespace

void lock_collection(pq::Connection& c, const std::string& collection, std::chrono::milliseconds wait) {
  const std::string doing = "waiting for collection " + collection + "'s write lock";
  // Not waiting at all: for these two statements alone, the least lock_timeout there is (1 ms;
  // 0 would wait for ever), which also bounds the INSERT's wait on another first writer's
  // uncommitted row. Otherwise the session's lock_timeout is the store's busy timeout
  // (store/postgres/pg_open.cpp).
  const std::string saved =
      c.exec(wait.count() <= 0 ? "SELECT current_setting('lock_timeout'), set_config('lock_timeout', '1', true), "
                                 "set_config('application_name', $1, false)"
                               : "SELECT current_setting('lock_timeout'), '', set_config('application_name', $1, false)",
             {pg_writer_name()}, false, doing)
          .str(0, 0);
  try {
    // The name's row, made by its first writer; a second first writer waits for the first's
    // insert to commit or roll back.
    c.exec("INSERT INTO write_locks (collection) VALUES ($1) ON CONFLICT DO NOTHING", {collection}, false, doing);
    c.exec("SELECT 1 FROM write_locks WHERE collection = $1 FOR UPDATE", {collection}, false, doing);
  } catch (const Error& e) {
    // 55P03 (lock_not_available), in pq::Connection's words.
    if (std::string_view(e.what()).find("lock timeout") == std::string_view::npos) throw;
    pg_locked(c, collection, wait);
  }
  if (wait.count() <= 0) c.exec("SELECT set_config('lock_timeout', $1, true)", {saved}, false, doing);
}

}  // namespace strata::store::pg
