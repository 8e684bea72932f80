#include "store/sqlite/keyword_memory.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <sqlite3.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <exception>
#include <map>
#include <mutex>
#include <thread>
#include <utility>

#include "store/fts_bm25.h"

namespace strata::store::sqlite_store {
namespace {

// FTS5's structure record (fts5_index.c: FTS5_STRUCTURE_ROWID): its segments and a write
// counter, rewritten by every change to the index.
std::string index_state(SQLite::Database& db) {
  SQLite::Statement q(db, "SELECT block FROM chunks_fts_data WHERE id = 10");
  if (!q.executeStep()) return {};
  const SQLite::Column c = q.getColumn(0);
  return std::string(static_cast<const char*>(c.getBlob()), static_cast<std::size_t>(c.getBytes()));
}

// The tokenizer and its arguments as chunks_fts was created with them (`tokenize = '...'`);
// empty when they cannot be read.
std::vector<std::string> tokenizer_arguments(SQLite::Database& db) {
  SQLite::Statement q(db, "SELECT sql FROM sqlite_master WHERE name = 'chunks_fts'");
  if (!q.executeStep()) return {};
  const std::string sql = q.getColumn(0).getString();
  const std::size_t at = sql.find("tokenize");
  if (at == std::string::npos) return {"unicode61"};  // FTS5's default
  std::size_t i = sql.find('=', at);
  if (i == std::string::npos) return {};
  i = sql.find_first_not_of(" \t\r\n", i + 1);
  if (i == std::string::npos || (sql[i] != '\'' && sql[i] != '"')) return {};
  const char quote = sql[i];
  const std::size_t end = sql.find(quote, i + 1);
  if (end == std::string::npos) return {};
  const std::string value = sql.substr(i + 1, end - i - 1);
  // Arguments quoted inside the value are not read here: no copy is made then.
  if (value.find_first_of("'\"`[") != std::string::npos) return {};
  std::vector<std::string> args;
  std::size_t p = 0;
  while ((p = value.find_first_not_of(" \t\r\n", p)) != std::string::npos) {
    const std::size_t q2 = value.find_first_of(" \t\r\n", p);
    args.push_back(value.substr(p, q2 == std::string::npos ? std::string::npos : q2 - p));
    p = q2;
  }
  return args;
}

fts5_api* fts5_of(sqlite3* db) {
  fts5_api* api = nullptr;
  sqlite3_stmt* q = nullptr;
  if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &q, nullptr) == SQLITE_OK) {
    sqlite3_bind_pointer(q, 1, static_cast<void*>(&api), "fts5_api_ptr", nullptr);
    sqlite3_step(q);
  }
  sqlite3_finalize(q);
  return api;
}

struct Tokens {
  std::vector<std::string> tokens;
  bool colocated = false;
};

int collect_token(void* ctx, int flags, const char* token, int bytes, int /*start*/, int /*end*/) {
  auto* t = static_cast<Tokens*>(ctx);
  if ((flags & FTS5_TOKEN_COLOCATED) != 0) t->colocated = true;
  t->tokens.emplace_back(token, static_cast<std::size_t>(bytes));
  return SQLITE_OK;
}

// Each string as the table's tokenizer cuts it for a query, when each gives exactly one token;
// nullopt otherwise (FTS5 would make a phrase of it, which the copy does not answer).
std::optional<std::vector<std::string>> query_terms(sqlite3* db, const std::vector<std::string>& args,
                                                    const std::vector<std::string>& strings) {
  if (args.empty()) return std::nullopt;
  fts5_api* api = fts5_of(db);
  if (api == nullptr) return std::nullopt;
  void* user = nullptr;
  fts5_tokenizer tokenizer{};
  if (api->xFindTokenizer(api, args[0].c_str(), &user, &tokenizer) != SQLITE_OK) return std::nullopt;
  std::vector<const char*> argv;
  for (std::size_t i = 1; i < args.size(); ++i) argv.push_back(args[i].c_str());
  Fts5Tokenizer* t = nullptr;
  if (tokenizer.xCreate(user, argv.data(), static_cast<int>(argv.size()), &t) != SQLITE_OK) return std::nullopt;
  std::optional<std::vector<std::string>> terms(std::in_place);
  for (const std::string& s : strings) {
    Tokens got;
    const int rc = tokenizer.xTokenize(t, &got, FTS5_TOKENIZE_QUERY, s.data(), static_cast<int>(s.size()), collect_token);
    if (rc != SQLITE_OK || got.colocated || got.tokens.size() != 1) {
      terms.reset();
      break;
    }
    terms->push_back(std::move(got.tokens.front()));
  }
  tokenizer.xDelete(t);
  return terms;
}

// --- the process's copies ------------------------------------------------------------------------

enum class CopyState { building, ready, too_large, failed };

struct Slot {
  std::string state;  // of the index the copy is (being) made from
  CopyState copy = CopyState::building;
  std::shared_ptr<const MemoryKeywordIndex> index;
  std::vector<std::string> tokenizer;
};

class Copies {
 public:
  ~Copies() {
    stop_ = true;
    std::vector<std::thread> threads;
    {
      const std::lock_guard<std::mutex> lock(mutex_);
      threads.swap(threads_);
    }
    for (std::thread& t : threads) {
      if (t.joinable()) t.join();
    }
  }

  // The ready copy for `state`, else nullptr after starting its build (unless one is under way
  // or failed for this state).
  std::pair<std::shared_ptr<const MemoryKeywordIndex>, std::vector<std::string>> find_or_build(const std::string& path,
                                                                                               std::int64_t collection_id,
                                                                                               int scope_column,
                                                                                               const std::string& state) {
    const std::lock_guard<std::mutex> lock(mutex_);
    reap_finished();
    const std::pair<std::string, std::int64_t> key{path, collection_id};
    auto it = slots_.find(key);
    if (it != slots_.end() && it->second.state == state) {
      if (it->second.copy == CopyState::ready) return {it->second.index, it->second.tokenizer};
      return {};
    }
    if (it != slots_.end() && it->second.copy == CopyState::building) return {};  // a build of an older state ends first
    Slot& s = slots_[key];
    s = Slot{state, CopyState::building, nullptr, {}};
    ++building_;
    threads_.emplace_back([this, key, scope_column, state] { build(key, scope_column, state); });
    return {};
  }

  void wait_idle() {
    std::unique_lock<std::mutex> lock(mutex_);
    idle_.wait(lock, [this] { return building_ == 0; });
    reap_finished();
  }

  std::size_t ready() const {
    const std::lock_guard<std::mutex> lock(mutex_);
    return static_cast<std::size_t>(
        std::count_if(slots_.begin(), slots_.end(), [](const auto& s) { return s.second.copy == CopyState::ready; }));
  }

  std::size_t bytes() const {
    const std::lock_guard<std::mutex> lock(mutex_);
    std::size_t total = 0;
    for (const auto& [key, s] : slots_) total += s.index ? s.index->bytes() : 0;
    return total;
  }

  KeywordMemoryLimits limits;

 private:
  void build(std::pair<std::string, std::int64_t> key, int scope_column, std::string wanted) {
    std::shared_ptr<const MemoryKeywordIndex> index;
    std::vector<std::string> tokenizer;
    std::string state = wanted;
    CopyState outcome = CopyState::failed;
    try {
      SQLite::Database db(key.first, SQLite::OPEN_READONLY);
      db.setBusyTimeout(5000);
      db.exec("BEGIN");
      state = index_state(db);
      tokenizer = tokenizer_arguments(db);
      std::size_t room = 0;
      {
        const std::lock_guard<std::mutex> lock(mutex_);
        std::size_t held = 0;
        for (const auto& [k, s] : slots_) held += k != key && s.index ? s.index->bytes() : 0;
        room = limits.max_bytes > held ? limits.max_bytes - held : 0;
      }
      std::optional<MemoryKeywordIndex> built =
          tokenizer.empty() || stop_ ? std::nullopt : MemoryKeywordIndex::build(db, key.second, scope_column, room, &stop_);
      db.exec("COMMIT");
      if (built) {
        index = std::make_shared<const MemoryKeywordIndex>(std::move(*built));
        outcome = CopyState::ready;
      } else {
        outcome = tokenizer.empty() ? CopyState::failed : CopyState::too_large;
      }
    } catch (const std::exception&) {
      outcome = CopyState::failed;  // the store path answers; the next state tries again
    }
    const std::lock_guard<std::mutex> lock(mutex_);
    Slot& s = slots_[key];
    // Kept under the state it was read in: when that is not the one asked for (a write came in
    // between), the next search compares and asks again.
    s = Slot{outcome == CopyState::failed ? wanted : state, outcome, std::move(index), std::move(tokenizer)};
    --building_;
    finished_.push_back(std::this_thread::get_id());
    idle_.notify_all();
  }

  void reap_finished() {
    for (const std::thread::id id : finished_) {
      const auto it = std::find_if(threads_.begin(), threads_.end(), [id](const std::thread& t) { return t.get_id() == id; });
      if (it == threads_.end()) continue;
      it->join();
      threads_.erase(it);
    }
    finished_.clear();
  }

  mutable std::mutex mutex_;
  std::condition_variable idle_;
  std::map<std::pair<std::string, std::int64_t>, Slot> slots_;  // by store file and collection
  std::vector<std::thread> threads_;
  std::vector<std::thread::id> finished_;
  std::size_t building_ = 0;
  std::atomic<bool> stop_ = false;
};

Copies& copies() {
  static Copies c;
  return c;
}

}  // namespace

std::optional<std::vector<std::string>> or_of_strings(const std::string& match) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (true) {
    std::optional<std::string> s = read_fts_string(match, i);
    if (!s) return std::nullopt;
    out.push_back(std::move(*s));
    if (i == match.size()) return out;
    if (match.compare(i, 4, " OR ") != 0) return std::nullopt;
    i += 4;
  }
}

std::optional<MemoryKeywordIndex> MemoryKeywordIndex::build(SQLite::Database& db, std::int64_t collection_id,
                                                            int scope_column, std::size_t max_bytes,
                                                            const std::atomic<bool>* stop) {
  MemoryKeywordIndex m;
  m.scope_column_ = scope_column;
  std::vector<std::string> columns;
  {
    SQLite::Statement q(db, "SELECT name FROM pragma_table_info('chunks_fts') ORDER BY cid");
    while (q.executeStep()) columns.push_back(q.getColumn(0).getString());
  }
  if (scope_column < 0 || static_cast<std::size_t>(scope_column) >= columns.size() || columns.size() > 0xffff) return std::nullopt;
  // A connection's own table over the index: nothing is written to the store.
  db.exec("CREATE VIRTUAL TABLE IF NOT EXISTS temp.strata_keyword_instance USING fts5vocab(main, 'chunks_fts', 'instance')");
  // The collection's rows: those whose scope column holds its token.
  std::unordered_map<std::int64_t, std::uint32_t> row_of;
  {
    SQLite::Statement q(db, "SELECT doc FROM temp.strata_keyword_instance WHERE term = ?1 AND col = ?2");
    q.bind(1, "c" + std::to_string(collection_id));
    q.bind(2, columns[static_cast<std::size_t>(scope_column)]);
    while (q.executeStep()) {
      const std::int64_t rowid = q.getColumn(0).getInt64();
      if (row_of.emplace(rowid, static_cast<std::uint32_t>(m.rowids_.size())).second) m.rowids_.push_back(rowid);
    }
  }
  const std::size_t ncols = columns.size();
  std::vector<std::uint32_t> sizes(m.rowids_.size() * ncols, 0);  // per row and column: last position + 1
  std::map<std::string, std::uint16_t> column_index;
  for (std::size_t c = 0; c < ncols; ++c) column_index[columns[c]] = static_cast<std::uint16_t>(c);
  std::size_t bytes = m.rowids_.size() * (sizeof(std::int64_t) + sizeof(std::uint32_t)) + row_of.size() * 32;
  SQLite::Statement q(db, "SELECT term, doc, col, \"offset\" FROM temp.strata_keyword_instance");
  std::string term;
  std::vector<Entry>* list = nullptr;
  std::string last_column;
  std::uint16_t column = 0;
  while (q.executeStep()) {
    const std::int64_t rowid = q.getColumn(1).getInt64();
    const auto r = row_of.find(rowid);
    if (r == row_of.end()) continue;  // another collection's row
    const char* t = q.getColumn(0).getText();
    if (list == nullptr || term != t) {
      term = t;
      list = &m.postings_[term];
      bytes += term.size() + 64;
    }
    const char* col = q.getColumn(2).getText();
    if (last_column != col) {
      last_column = col;
      const auto c = column_index.find(last_column);
      if (c == column_index.end()) return std::nullopt;
      column = c->second;
    }
    const auto offset = static_cast<std::uint32_t>(q.getColumn(3).getInt64());
    std::uint32_t& size = sizes[r->second * ncols + column];
    size = std::max(size, offset + 1);
    if (column == scope_column) continue;  // the scope token is not a term of the text
    if (!list->empty() && list->back().row == r->second && list->back().column == column) {
      if (list->back().count < 0xffff) ++list->back().count;
      continue;
    }
    list->push_back(Entry{r->second, column, 1});
    bytes += sizeof(Entry);
    if (bytes > max_bytes || (stop != nullptr && stop->load(std::memory_order_relaxed))) return std::nullopt;
  }
  std::erase_if(m.postings_, [](const auto& p) { return p.second.empty(); });
  m.lengths_.resize(m.rowids_.size());
  m.columns_ = ncols;
  m.column_sizes_.resize(sizes.size());
  for (std::size_t r = 0; r < m.rowids_.size(); ++r) {
    std::uint32_t length = 0;
    for (std::size_t c = 0; c < ncols; ++c) {
      const std::uint32_t size = sizes[r * ncols + c];
      length += static_cast<int>(c) == scope_column ? 0 : size;
      m.column_sizes_[r * ncols + c] = static_cast<std::uint16_t>(std::min<std::uint32_t>(size, 0xffff));
    }
    m.lengths_[r] = length;
    m.tokens_ += length;
  }
  bytes += m.column_sizes_.size() * sizeof(std::uint16_t);
  if (bytes > max_bytes) return std::nullopt;
  for (auto& [t, entries] : m.postings_) entries.shrink_to_fit();
  m.bytes_ = bytes;
  return m;
}

std::vector<KeywordRow> MemoryKeywordIndex::search(const std::vector<std::string>& terms, double k1, double b,
                                                   const std::vector<double>& column_weights, const ColumnCap& cap,
                                                   std::size_t limit) const {
  const auto rows = static_cast<long long>(rowids_.size());
  // As strata_bm25_scoped's statistics: the guard only keeps an empty index from dividing by zero.
  const double avgdl = rows > 0 && tokens_ > 0 ? tokens_ / static_cast<double>(rows) : 1.0;
  const auto weight = [&](std::uint16_t column, std::uint32_t row) {
    if (column == scope_column_) return 0.0;
    const double w = column < column_weights.size() ? column_weights[column] : 1.0;
    if (cap.terms <= 0 || column != cap.column || static_cast<std::size_t>(cap.column) >= columns_) return w;
    return capped_column_weight(w, cap.terms, column_sizes_[static_cast<std::size_t>(row) * columns_ + column]);
  };
  // Scratch per thread: a query touches few rows of many.
  thread_local std::vector<double> score;
  thread_local std::vector<std::uint32_t> touched;
  if (score.size() < rowids_.size()) score.assign(rowids_.size(), -1.0);
  touched.clear();
  // Phrase by phrase, as strata_bm25 adds them, so that each row's sum is the same sum.
  for (const std::string& term : terms) {
    const auto p = postings_.find(term);
    if (p == postings_.end()) continue;  // no row holds it: it adds nothing
    const std::vector<Entry>& entries = p->second;
    long long hits = 0;
    for (std::size_t i = 0; i < entries.size(); ++i) hits += i == 0 || entries[i].row != entries[i - 1].row;
    const double idf = bm25_idf(rows, hits);
    for (std::size_t i = 0; i < entries.size();) {
      const std::uint32_t row = entries[i].row;
      double f = 0;
      // Hits x weight in column order (weighted_hits, as strata_bm25 adds them).
      for (; i < entries.size() && entries[i].row == row; ++i) {
        f += static_cast<double>(entries[i].count) * weight(entries[i].column, row);
      }
      if (score[row] < 0) {
        score[row] = 0.0;
        touched.push_back(row);
      }
      if (f == 0.0) continue;
      score[row] += bm25_term(idf, f, k1, b, static_cast<double>(lengths_[row]), avgdl);
    }
  }
  std::vector<KeywordRow> out;
  out.reserve(touched.size());
  for (const std::uint32_t row : touched) {
    out.push_back(KeywordRow{rowids_[row], -1.0 * score[row]});
    score[row] = -1.0;
  }
  const auto better = [](const KeywordRow& x, const KeywordRow& y) {
    return x.bm25 != y.bm25 ? x.bm25 < y.bm25 : x.chunk_id < y.chunk_id;
  };
  const std::size_t n = std::min(limit, out.size());
  std::partial_sort(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(n), out.end(), better);
  out.resize(n);
  return out;
}

std::optional<std::vector<KeywordRow>> keyword_search_in_memory(SQLite::Database& db, const std::string& path,
                                                                std::int64_t collection_id, int scope_column,
                                                                const std::string& match, const Bm25Parameters& bm25,
                                                                const std::vector<double>& column_weights,
                                                                const ColumnCap& cap, std::size_t limit) {
  // A store not in a file of its own (a build reads it through a connection of its own).
  if (path.empty() || path == ":memory:" || path.starts_with("file:")) return std::nullopt;
  const std::optional<std::vector<std::string>> strings = or_of_strings(match);
  if (!strings) return std::nullopt;
  const auto [index, tokenizer] = copies().find_or_build(path, collection_id, scope_column, index_state(db));
  if (!index) return std::nullopt;
  const std::optional<std::vector<std::string>> terms = query_terms(db.getHandle(), tokenizer, *strings);
  if (!terms) return std::nullopt;
  return index->search(*terms, bm25.k1, bm25.b, column_weights, cap, limit);
}

std::optional<std::vector<std::string>> query_terms_of(SQLite::Database& db, const std::string& match) {
  const std::optional<std::vector<std::string>> strings = or_of_strings(match);
  if (!strings) return std::nullopt;
  return query_terms(db.getHandle(), tokenizer_arguments(db), *strings);
}

void wait_for_keyword_memory() { copies().wait_idle(); }
std::size_t keyword_memory_ready() { return copies().ready(); }
std::size_t keyword_memory_bytes() { return copies().bytes(); }

}  // namespace strata::store::sqlite_store
