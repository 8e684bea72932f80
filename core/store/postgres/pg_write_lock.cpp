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

// The sessions holding the advisory lock `key` in this database, described for a message
// ("server pid 4242, strata writer on build-7 pid 311, from 10.0.0.7, in a transaction since
// 2026-…"); "" when none does any more. A role without pg_read_all_stats sees other roles'
// sessions without their program and address: those parts are left out.
std::string pg_lock_holders(pq::Connection& c, std::int64_t key) {
  const auto bits = static_cast<std::uint64_t>(key);
  pq::Result r = c.exec(
      "SELECT l.pid, coalesce(a.application_name, ''), coalesce(host(a.client_addr), ''),"
      "       coalesce(to_char(a.xact_start AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), '')"
      "  FROM pg_locks l LEFT JOIN pg_stat_activity a ON a.pid = l.pid"
      " WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1"
      "   AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())"
      "   AND l.classid = $1::oid AND l.objid = $2::oid",
      {std::to_string(bits >> 32), std::to_string(bits & 0xffffffffU)}, false, "finding the lock's holder");
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

[[noreturn]] void pg_locked(pq::Connection& c, const std::string& collection, std::int64_t key,
                            std::chrono::milliseconds wait) {
  c.rollback();  // the failed wait aborted the transaction; the holder is read outside it
  std::string holders;
  try {
    holders = pg_lock_holders(c, key);
  } catch (const Error&) {
    holders.clear();  // the message below still says what happened
  }
  const std::string who = holders.empty() ? "another writer, which has since let go" : holders;
  c.fail(ExitCode::unavailable,
         "collection '" + collection + "' is locked by another writer (" + who + "; waited " + pg_waited(wait) + ")",
         "try again when that writer has finished, or wait longer: store.busy_timeout / $STRATA_BUSY_TIMEOUT (seconds)");
}

}  // namespace

std::int64_t collection_lock_key(const std::string& schema, const std::string& collection) {
  std::uint64_t h = 14695981039346656037ULL;
  const auto mix = [&h](std::string_view bytes) {
    for (const char ch : bytes) {
      h ^= static_cast<unsigned char>(ch);
      h *= 1099511628211ULL;
    }
  };
  mix("strata collection write lock");
  mix(std::string_view("\0", 1));
  mix(schema);
  mix(std::string_view("\0", 1));
  mix(collection);
  return static_cast<std::int64_t>(h);
}

void lock_collection(pq::Connection& c, const std::string& collection, std::chrono::milliseconds wait) {
  const std::int64_t key = collection_lock_key(c.schema(), collection);
  const std::string doing = "waiting for collection " + collection + "'s write lock";
  if (wait.count() <= 0) {
    pq::Result r = c.exec("SELECT set_config('application_name', $1, false), pg_try_advisory_xact_lock($2)",
                          {pg_writer_name(), std::to_string(key)}, false, doing);
    if (r.text(0, 1) != "t") pg_locked(c, collection, key, wait);
    return;
  }
  try {
    // The session's lock_timeout is the store's busy timeout (store/postgres/pg_open.cpp).
    c.exec("SELECT set_config('application_name', $1, false), pg_advisory_xact_lock($2)",
           {pg_writer_name(), std::to_string(key)}, false, doing);
  } catch (const Error& e) {
    if (std::string_view(e.what()).find("lock timeout") == std::string_view::npos) throw;
    pg_locked(c, collection, key, wait);
  }
}

}  // namespace strata::store::pg
