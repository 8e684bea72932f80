#include "store/postgres/pg_open.h"

#include <algorithm>
#include <vector>

#include "common/error.h"
#include "common/setting.h"
#include "common/text.h"
#include "migrate/engines/engine_url.h"
#include "migrate/model/migration_parser.h"
#include "migrate/model/migration_source.h"
#include "migrate/run/migrator.h"
#include "store/embedded_migrations.h"
#include "store/no_store.h"
#include "store/postgres/pg_backend.h"
#include "store/postgres/pg_foreign_objects.h"
#include "store/postgres/pg_terms_backfill.h"
#include "store/shipped_migrations.h"

namespace strata::store {
namespace {

// Connecting waits at most this long: a server that does not answer is reported, not waited for.
constexpr std::chrono::milliseconds k_connect_timeout{10'000};

// With a call timeout, how much longer than the server's statement timeout the client waits for
// an answer (pq::ConnectOptions::answer_timeout).
constexpr std::chrono::milliseconds k_answer_margin{1'000};

const std::vector<migrate::Version>& pg_shipped_versions() {
  static const std::vector<migrate::Version> versions = shipped_versions_of(store_postgres_migration_files());
  return versions;
}

migrate::MigrationSet pg_shipped_migrations() {
  return shipped_migrations_of(store_postgres_migration_files(), "strata:migrations/postgres");
}

struct History {
  bool schema_exists = false;
  bool table_exists = false;
  bool other_tables = false;  // the schema holds tables but no store history: someone else's
  std::vector<std::pair<migrate::Version, bool>> rows;  // version, applied in full
  // Documents an upgrade listed for their keyword terms (migrations/postgres/0008,
  // pg_terms_backfill.h), which this role may take off the list: read with the history, no
  // statement more.
  bool terms_pending = false;
};

// The list of documents whose derived terms an upgrade left to compute (pg_terms_backfill.h).
constexpr const char* k_terms_pending_table = "index_terms_pending";

History read_history(pq::Connection& c, const std::string& schema) {
  History h;
  // pg_class and pg_namespace themselves, not the view pg_tables (its joins and rewriting cost a
  // new connection's first statement about a millisecond more). Tables: relkind r or p, as
  // pg_tables lists them.
  // The fourth column: whether the list of pending terms exists and this role may delete from it
  // (the owner, or a writer granted it): a reader never reads it, nor touches what it lists.
  pq::Result r = c.exec(
      "SELECT n.oid IS NOT NULL, "
      "EXISTS (SELECT 1 FROM pg_class t WHERE t.relnamespace = n.oid AND t.relkind IN ('r', 'p') AND t.relname = $2), "
      "EXISTS (SELECT 1 FROM pg_class t WHERE t.relnamespace = n.oid AND t.relkind IN ('r', 'p') AND t.relname <> $2), "
      "EXISTS (SELECT 1 FROM pg_class t WHERE t.relnamespace = n.oid AND t.relkind = 'r' AND t.relname = $3"
      "        AND has_table_privilege(t.oid, 'SELECT') AND has_table_privilege(t.oid, 'DELETE')) "
      "FROM (SELECT (SELECT oid FROM pg_namespace WHERE nspname = $1) AS oid) n",
      {schema, std::string(k_store_history_table), std::string(k_terms_pending_table)}, false,
      "reading the store's schema");
  h.schema_exists = r.text(0, 0) == "t";
  h.table_exists = r.text(0, 1) == "t";
  h.other_tables = !h.table_exists && r.text(0, 2) == "t";
  if (!h.table_exists) return h;
  const std::string pending = r.text(0, 3) == "t" ? "EXISTS (SELECT 1 FROM " + pq::quote_identifier(schema) + "." +
                                                        k_terms_pending_table + ")"
                                                  : std::string("false");
  pq::Result rows = c.exec("SELECT version, state = 'applied', " + pending + " FROM " + pq::quote_identifier(schema) +
                               "." + k_store_history_table + " ORDER BY version",
                           {}, false, "reading the store's history");
  for (int i = 0; i < rows.rows(); ++i) rows.text(i, 1) == "t" ? h.rows.emplace_back(rows.int64(i, 0), true)
                                                             : h.rows.emplace_back(rows.int64(i, 0), false);
  h.terms_pending = rows.rows() > 0 && rows.text(0, 2) == "t";
  return h;
}

bool up_to_date(const History& h) {
  const std::vector<migrate::Version>& shipped = pg_shipped_versions();
  if (h.rows.size() != shipped.size()) return false;
  for (std::size_t i = 0; i < shipped.size(); ++i) {
    if (h.rows[i].first != shipped[i] || !h.rows[i].second) return false;
  }
  return true;
}

std::int64_t newest(const History& h) { return h.rows.empty() ? 0 : h.rows.back().first; }

void refuse_newer(const History& h, const std::string& display) {
  const std::int64_t latest = latest_postgres_schema_version();
  if (newest(h) > latest) {
    throw Error(ExitCode::history_mismatch,
                display + ": store schema version " + std::to_string(newest(h)) + " is newer than this strata supports (" +
                    std::to_string(latest) + ")",
                "upgrade strata to use this store");
  }
}

void upgrade(const migrate::Endpoint& endpoint, const OpenOptions& options) {
  migrate::Migrator migrator(migrate::Target{endpoint, k_store_history_table, options.busy_timeout},
                             pg_shipped_migrations());
  const migrate::Status status = migrator.status();
  if (status.pending > 0) migrator.up(migrate::UpOptions{});
}

}  // namespace

std::int64_t latest_postgres_schema_version() { return pg_shipped_versions().back(); }

PgOpened open_postgres_store(const std::string& url, const OpenOptions& options, PgOpen how) {
  migrate::Endpoint endpoint = migrate::endpoint_from_url(url);
  if (endpoint.schema.empty()) endpoint.schema = k_default_store_schema;
  PgOpened opened;
  opened.display = endpoint.display + " (schema " + endpoint.schema + ")";
  pq::ConnectOptions connect;
  connect.conninfo = endpoint.conninfo;
  connect.display = opened.display;
  connect.password = endpoint.password;
  connect.schema = endpoint.schema;
  connect.connect_timeout = k_connect_timeout;
  // A lock another writer holds is waited for as long as the SQLite store's busy timeout.
  connect.lock_timeout = options.busy_timeout;
  if (options.call_timeout.count() > 0) {
    connect.connect_timeout = std::min(connect.connect_timeout, options.call_timeout);
    connect.lock_timeout = std::min(connect.lock_timeout, options.call_timeout);
    connect.statement_timeout = options.call_timeout;
    // The server's statement timeout ends a slow statement with its own message; a server that
    // stops answering is given up on a second later by the client.
    connect.answer_timeout = options.call_timeout + k_answer_margin;
  }
  opened.connection = pq::Connection::open(connect);
  pq::Connection& c = *opened.connection;

  // Before any statement reads a table of the schema: a view or rule in place of one would run.
  pg::refuse_foreign_objects(c, endpoint.schema, options.cache_folder);
  History h = read_history(c, endpoint.schema);
  if (h.other_tables) {
    throw Error(ExitCode::unavailable, opened.display + ": not a strata store (the schema holds other tables)",
                "give the store its own schema: ?search_path=NAME in the URL");
  }
  refuse_newer(h, opened.display);
  if (!up_to_date(h)) {
    if (how == PgOpen::read_only) {
      if (!h.table_exists) throw PgStoreMissing(opened.display);
      throw Error(ExitCode::unavailable,
                  opened.display + ": store schema version " + std::to_string(newest(h)) + " needs an upgrade to " +
                      std::to_string(latest_postgres_schema_version()) + ", which a dry run does not do",
                  "run the command once without " + mention(Setting::dry_run));
    }
    if (how == PgOpen::existing && !h.table_exists) {
      throw NoStore(opened.display, "ingest documents first: strata ingest PATH " + command_mention(Setting::store) + " URL");
    }
    // A schema someone else made, empty, for this user to fill: its owner could change the store
    // under every user afterwards.
    if (!h.table_exists && h.schema_exists) pg::refuse_foreign_schema_owner(c, endpoint.schema);
    endpoint.wait = std::chrono::milliseconds(0);
    upgrade(endpoint, options);
    h = read_history(c, endpoint.schema);
    refuse_newer(h, opened.display);
  }
  // Documents an upgrade listed get their keyword terms (this open's or an earlier one's that
  // did not finish); a dry run writes nothing.
  if (h.terms_pending && how != PgOpen::read_only) pg::fill_pending_index_terms(c);
  opened.version = newest(h);
  return opened;
}

pq::Connection& pg_connection(Store& store) {
  auto* b = dynamic_cast<pg::Backend*>(&store.backend());
  if (b == nullptr) throw Error(ExitCode::unavailable, store.path() + ": not a PostgreSQL store (internal error)");
  return b->connection();
}

namespace pg {
namespace {

OpenedBackend opened_backend(PgOpened opened, const OpenOptions& options) {
  return OpenedBackend{std::make_unique<Backend>(std::move(opened.connection), options.cache_folder),
                       std::move(opened.display), opened.version};
}

}  // namespace

bool recognises(std::string_view path) {
  const std::size_t end = path.find("://");
  if (end == std::string_view::npos) return false;
  const std::string scheme = to_lower(path.substr(0, end));
  return scheme == "postgres" || scheme == "postgresql";
}

std::string display(const std::string& path) {
  try {
    return migrate::endpoint_from_url(path).display;
  } catch (const std::exception&) {
    // Unreadable as a URL: nothing of its authority is shown, since a password may be there.
    const std::size_t scheme_end = path.find("://");
    return path.substr(0, scheme_end + 3) + "…";
  }
}

OpenedBackend open(const std::string& url, const OpenOptions& options) {
  return opened_backend(open_postgres_store(url, options, PgOpen::create), options);
}

OpenedBackend open_existing(const std::string& url, const OpenOptions& options) {
  return opened_backend(open_postgres_store(url, options, PgOpen::existing), options);
}

std::optional<OpenedBackend> open_read_only(const std::string& url, const OpenOptions& options) {
  try {
    return opened_backend(open_postgres_store(url, options, PgOpen::read_only), options);
  } catch (const PgStoreMissing&) {
    return std::nullopt;
  }
}

// The user's own cache, keyed by the store's random id: the clients of a server are many
// machines, and a snapshot holds the server's data.
std::string Backend::derived_folder(const std::string& store_id) const {
  const bool plain = !store_id.empty() && store_id.size() <= 128 &&
                     std::all_of(store_id.begin(), store_id.end(), [](char c) {
                       return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
                              c == '_';
                     });
  if (!plain || cache_folder_.empty()) return {};
  return cache_folder_ + "/strata/stores/" + store_id;
}

}  // namespace pg

}  // namespace strata::store
