#include "store/fts_bm25.h"

#include <sqlite3.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <string>
#include <vector>

#include "common/error.h"

namespace strata::store {
namespace {

// What does not change from row to row of one query: computed at the first row, kept as the
// query's auxdata (FTS5 frees it with the statement), as FTS5's bm25() does.
struct QueryStatistics {
  double avgdl = 0;
  int first_phrase = 0;   // 1 when phrase 0 is a scope (strata_bm25_scoped), which is not scored
  int length_skip = -1;   // the scope column, whose tokens no row's length counts; -1: none
  std::vector<double> idf;  // per phrase
  std::vector<double> weights;  // per column, from the arguments (1 where none is given)
  // With a limit n (the fourth argument): the magnitudes (-score) of the best n rows scored so
  // far, a min-heap, and the last rowid scored; see strata_bm25.
  std::vector<double> best;
  sqlite3_int64 last_rowid = 0;
  bool scored_a_row = false;
  bool prune = true;  // false for good once a row comes twice or out of rowid order
  std::vector<double> hits;  // per phrase and column (phrase x columns + column), for the current row
  std::vector<double> freq;  // per phrase, for the current row: its hits weighted
  std::vector<double> row_weights;  // per column, for the current row (the cap column's capped)
};

int count_row(const Fts5ExtensionApi*, Fts5Context*, void* count) {
  ++*static_cast<sqlite3_int64*>(count);
  return SQLITE_OK;
}

void free_statistics(void* p) { delete static_cast<QueryStatistics*>(p); }

// What strata_bm25_scoped is told of its scope and cap; all zero for strata_bm25.
struct ScopeArguments {
  int column = -1;          // the scope column, -1 for none
  sqlite3_int64 rows = 0;   // > 0: phrase 0 is the scope, holding this many rows
  sqlite3_int64 tokens = 0; // their tokens outside the scope column
  int cap_column = -1;      // the column whose weight is capped (capped_column_weight), -1 for none
  sqlite3_int64 cap = 0;    // its cap in tokens; 0: none
};

// The rowids of phrase `phrase`'s rows, ascending (FTS5 gives them in rowid order).
int collect_rowid(const Fts5ExtensionApi* api, Fts5Context* fts, void* rowids) {
  static_cast<std::vector<sqlite3_int64>*>(rowids)->push_back(api->xRowid(fts));
  return SQLITE_OK;
}

// Rows of a phrase that are also in a sorted rowid list (the scope's).
struct ScopedCount {
  const std::vector<sqlite3_int64>* scope = nullptr;
  sqlite3_int64 hits = 0;
};

int count_scoped_row(const Fts5ExtensionApi* api, Fts5Context* fts, void* count) {
  auto* c = static_cast<ScopedCount*>(count);
  if (std::binary_search(c->scope->begin(), c->scope->end(), api->xRowid(fts))) ++c->hits;
  return SQLITE_OK;
}

// The rows of phrase `phrase`: all of them, or only those in `scope_rowids` when given.
int phrase_rows(const Fts5ExtensionApi* api, Fts5Context* fts, int phrase, const std::vector<sqlite3_int64>* scope_rowids,
                sqlite3_int64* hits) {
  if (scope_rowids == nullptr) {
    *hits = 0;
    return api->xQueryPhrase(fts, phrase, hits, count_row);
  }
  ScopedCount c{scope_rowids, 0};
  const int rc = api->xQueryPhrase(fts, phrase, &c, count_scoped_row);
  *hits = c.hits;
  return rc;
}

// Returns SQLITE_OK and sets *out, or an SQLite error code.
int query_statistics(const Fts5ExtensionApi* api, Fts5Context* fts, const ScopeArguments& scope, QueryStatistics** out) {
  if (auto* cached = static_cast<QueryStatistics*>(api->xGetAuxdata(fts, 0))) {
    *out = cached;
    return SQLITE_OK;
  }
  auto* s = new QueryStatistics;
  s->length_skip = scope.column;
  s->first_phrase = scope.rows > 0 ? 1 : 0;
  sqlite3_int64 table_rows = 0, rows = 0, tokens = 0;
  int rc = api->xRowCount(fts, &table_rows);
  if (rc == SQLITE_OK && scope.rows > 0) {
    rows = scope.rows;
    tokens = scope.tokens;
  } else if (rc == SQLITE_OK) {
    rows = table_rows;
    rc = api->xColumnTotalSize(fts, -1, &tokens);
    sqlite3_int64 skipped = 0;
    if (rc == SQLITE_OK && scope.column >= 0) rc = api->xColumnTotalSize(fts, scope.column, &skipped);
    tokens -= skipped;
  }
  // A row matched, so rows > 0; the guard only keeps a damaged index from dividing by zero.
  if (rc == SQLITE_OK) s->avgdl = rows > 0 && tokens > 0 ? static_cast<double>(tokens) / static_cast<double>(rows) : 1.0;
  // A scope smaller than the table: each phrase's rows are counted among the scope's (the scope
  // phrase's rowids, once per query). A scope that is the whole table needs no such list.
  std::vector<sqlite3_int64> scope_rowids;
  const bool narrowed = rc == SQLITE_OK && scope.rows > 0 && scope.rows != table_rows;
  if (narrowed) rc = api->xQueryPhrase(fts, 0, &scope_rowids, collect_rowid);
  const int phrases = api->xPhraseCount(fts);
  if (rc == SQLITE_OK && s->first_phrase > 0) s->idf.push_back(0.0);  // the scope phrase: not scored
  for (int i = s->first_phrase; rc == SQLITE_OK && i < phrases; ++i) {
    sqlite3_int64 hits = 0;
    rc = phrase_rows(api, fts, i, narrowed ? &scope_rowids : nullptr, &hits);
    if (rc != SQLITE_OK) break;
    s->idf.push_back(bm25_idf(rows, hits));
  }
  if (rc == SQLITE_OK) rc = api->xSetAuxdata(fts, s, free_statistics);  // frees s itself on failure
  else delete s;
  if (rc == SQLITE_OK) *out = s;
  return rc;
}

bool numeric(sqlite3_value* v) {
  const int t = sqlite3_value_numeric_type(v);
  return t == SQLITE_INTEGER || t == SQLITE_FLOAT;
}

// Scores the current row. `args` are the function's arguments after the table: k1, b, then
// optionally the limit n, then `weights_from` onwards one weight per column.
void score_row(const Fts5ExtensionApi* api, Fts5Context* fts, sqlite3_context* result, int argc, sqlite3_value** argv,
               int weights_from, const ScopeArguments& scope) {
  const double k1 = sqlite3_value_double(argv[0]);
  const double b = sqlite3_value_double(argv[1]);
  if (!(k1 >= 0.0) || !(b >= 0.0 && b <= 1.0)) {
    sqlite3_result_error(result, "strata_bm25: k1 must be >= 0 and b in [0, 1]", -1);
    return;
  }
  const sqlite3_int64 limit = argc >= 3 ? sqlite3_value_int64(argv[2]) : 0;
  const int columns = api->xColumnCount(fts);
  QueryStatistics* s = nullptr;
  int rc = query_statistics(api, fts, scope, &s);
  if (rc != SQLITE_OK) {
    sqlite3_result_error_code(result, rc);
    return;
  }
  if (s->weights.empty()) {
    s->weights.assign(static_cast<std::size_t>(columns), 1.0);
    for (int i = weights_from; i < argc; ++i) s->weights[static_cast<std::size_t>(i - weights_from)] = sqlite3_value_double(argv[i]);
    for (const double w : s->weights) {
      if (!(w >= 0.0)) {
        sqlite3_result_error(result, "strata_bm25: column weights must be >= 0", -1);
        s->weights.clear();
        return;
      }
    }
    if (scope.column >= 0) s->weights[static_cast<std::size_t>(scope.column)] = 0.0;
  }
  // Hits per phrase and column in this row, then weighted by the columns' weights (count x
  // weight in column order: weighted_hits). Counted phrase by phrase (xPhraseFirst/xPhraseNext
  // walk the same position lists xInstCount merges), so the same counts as bm25() gets from
  // xInst, weighted as bm25()'s column weights weigh them.
  const auto ncols = static_cast<std::size_t>(columns);
  s->hits.assign(s->idf.size() * ncols, 0.0);
  s->freq.assign(s->idf.size(), 0.0);
  for (std::size_t p = static_cast<std::size_t>(s->first_phrase); p < s->freq.size(); ++p) {
    Fts5PhraseIter it;
    int column = 0, offset = 0;
    rc = api->xPhraseFirst(fts, static_cast<int>(p), &it, &column, &offset);
    if (rc != SQLITE_OK) break;
    for (; column >= 0; api->xPhraseNext(fts, &it, &column, &offset)) {
      if (column < columns) s->hits[p * ncols + static_cast<std::size_t>(column)] += 1.0;
    }
    s->freq[p] = weighted_hits(&s->hits[p * ncols], s->weights.data(), ncols);
  }
  if (rc != SQLITE_OK) {
    sqlite3_result_error_code(result, rc);
    return;
  }

  // Pruning, when given the limit n of an `ORDER BY score, rowid LIMIT n` over the rows this
  // function sees: FTS5 hands them over in ascending rowid order, so a row whose score cannot
  // beat the n-th best of the rows before it can never be among the best n (at best it ties,
  // and then the earlier rowid wins). The row's length |D| only lowers a phrase's term; with
  // |D| = 0 each term is largest, so that sum bounds the row's magnitude from above (a capped
  // column's weight is at most its full weight, which the bound uses). Rows under
  // the bound skip the length lookup (one read of the docsize table each, most of the cost)
  // and score +Inf, after every real score (all are negative). A row seen twice, or out of
  // order, turns pruning off for the rest of the query.
  const sqlite3_int64 rowid = api->xRowid(fts);
  if (s->scored_a_row && rowid <= s->last_rowid) s->prune = false;
  s->scored_a_row = true;
  s->last_rowid = rowid;
  const bool pruning = s->prune && limit > 0;
  if (pruning && s->best.size() == static_cast<std::size_t>(limit)) {
    double bound = 0.0;
    for (std::size_t i = 0; i < s->freq.size(); ++i) {
      const double f = s->freq[i];
      if (f == 0.0) continue;
      bound += s->idf[i] * ((f * (k1 + 1.0)) / (f + k1 * (1 - b)));
    }
    // The margin covers rounding: the bound and the score are computed along different paths.
    if (bound * (1.0 + 1e-9) < s->best.front()) {
      sqlite3_result_double(result, HUGE_VAL);
      return;
    }
  }

  int row_tokens = 0, skipped_tokens = 0;
  rc = api->xColumnSize(fts, -1, &row_tokens);
  if (rc == SQLITE_OK && s->length_skip >= 0) rc = api->xColumnSize(fts, s->length_skip, &skipped_tokens);
  if (rc != SQLITE_OK) {
    sqlite3_result_error_code(result, rc);
    return;
  }
  if (scope.cap > 0 && scope.cap_column >= 0) {
    // The cap column's weight depends on the row's tokens in it: weigh the hits again.
    int cap_tokens = 0;
    rc = api->xColumnSize(fts, scope.cap_column, &cap_tokens);
    if (rc != SQLITE_OK) {
      sqlite3_result_error_code(result, rc);
      return;
    }
    s->row_weights = s->weights;
    double& w = s->row_weights[static_cast<std::size_t>(scope.cap_column)];
    w = capped_column_weight(w, scope.cap, cap_tokens);
    for (std::size_t p = static_cast<std::size_t>(s->first_phrase); p < s->freq.size(); ++p) {
      s->freq[p] = weighted_hits(&s->hits[p * ncols], s->row_weights.data(), ncols);
    }
  }
  const double d = static_cast<double>(row_tokens - skipped_tokens);
  double score = 0.0;
  for (std::size_t i = 0; i < s->freq.size(); ++i) {
    // An absent phrase adds 0 (skipped rather than added, so k1 = 0 cannot make it 0/0).
    if (s->freq[i] == 0.0) continue;
    const double f = s->freq[i];
    score += bm25_term(s->idf[i], f, k1, b, d, s->avgdl);
  }
  if (pruning) {
    const auto greater = std::greater<double>();  // a min-heap
    if (s->best.size() < static_cast<std::size_t>(limit)) {
      s->best.push_back(score);
      std::push_heap(s->best.begin(), s->best.end(), greater);
    } else if (score > s->best.front()) {
      std::pop_heap(s->best.begin(), s->best.end(), greater);
      s->best.back() = score;
      std::push_heap(s->best.begin(), s->best.end(), greater);
    }
  }
  sqlite3_result_double(result, -1.0 * score);
}

bool all_numeric(int argc, sqlite3_value** argv) {
  for (int i = 0; i < argc; ++i) {
    if (!numeric(argv[i])) return false;
  }
  return true;
}

void strata_bm25(const Fts5ExtensionApi* api, Fts5Context* fts, sqlite3_context* result, int argc,
                 sqlite3_value** argv) {
  if (argc < 2 || !all_numeric(argc, argv) || argc > 3 + api->xColumnCount(fts)) {
    sqlite3_result_error(result,
                         "strata_bm25: give the table, k1 and b, optionally the limit and a weight per column, "
                         "e.g. strata_bm25(t, 1.2, 0.75)",
                         -1);
    return;
  }
  score_row(api, fts, result, argc, argv, 3, ScopeArguments{});
}

void strata_bm25_scoped(const Fts5ExtensionApi* api, Fts5Context* fts, sqlite3_context* result, int argc,
                        sqlite3_value** argv) {
  const int columns = api->xColumnCount(fts);
  if (argc < 8 || !all_numeric(argc, argv) || argc > 8 + columns) {
    sqlite3_result_error(result,
                         "strata_bm25_scoped: give the table, k1, b, the limit, the scope column, the scope's rows "
                         "and tokens, the cap column and cap, optionally a weight per column",
                         -1);
    return;
  }
  const ScopeArguments scope{static_cast<int>(sqlite3_value_int64(argv[3])), sqlite3_value_int64(argv[4]),
                             sqlite3_value_int64(argv[5]), static_cast<int>(sqlite3_value_int64(argv[6])),
                             sqlite3_value_int64(argv[7])};
  const bool cap_ok = scope.cap == 0 || (scope.cap > 0 && scope.cap_column >= 0 && scope.cap_column < columns);
  if (scope.column < 0 || scope.column >= columns || scope.rows < 0 || scope.tokens < 0 || !cap_ok) {
    sqlite3_result_error(result,
                         "strata_bm25_scoped: the scope and cap columns must be columns, rows, tokens and the cap >= 0", -1);
    return;
  }
  score_row(api, fts, result, argc, argv, 8, scope);
}

// `strata_fts_length(t, column)`: the row's tokens outside `column`.
void strata_fts_length(const Fts5ExtensionApi* api, Fts5Context* fts, sqlite3_context* result, int argc,
                       sqlite3_value** argv) {
  const int columns = api->xColumnCount(fts);
  const int column = argc == 1 && numeric(argv[0]) ? static_cast<int>(sqlite3_value_int64(argv[0])) : -1;
  if (column < 0 || column >= columns) {
    sqlite3_result_error(result, "strata_fts_length: give the table and the column to leave out", -1);
    return;
  }
  int all = 0, left_out = 0;
  int rc = api->xColumnSize(fts, -1, &all);
  if (rc == SQLITE_OK) rc = api->xColumnSize(fts, column, &left_out);
  if (rc != SQLITE_OK) {
    sqlite3_result_error_code(result, rc);
    return;
  }
  sqlite3_result_int64(result, all - left_out);
}

}  // namespace

std::optional<std::string> read_fts_string(std::string_view match, std::size_t& i) {
  if (i >= match.size() || match[i] != '"') return std::nullopt;
  std::string s;
  for (std::size_t at = i + 1; at < match.size(); ++at) {
    if (match[at] != '"') {
      s += match[at];
    } else if (at + 1 < match.size() && match[at + 1] == '"') {
      s += '"';
      ++at;
    } else {
      i = at + 1;
      return s;
    }
  }
  return std::nullopt;
}

void register_fts_bm25(sqlite3* db) {
  // The documented way to reach FTS5's API: SELECT fts5(?1) with a pointer bound to receive it.
  fts5_api* fts5 = nullptr;
  sqlite3_stmt* q = nullptr;
  if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &q, nullptr) == SQLITE_OK) {
    sqlite3_bind_pointer(q, 1, static_cast<void*>(&fts5), "fts5_api_ptr", nullptr);
    sqlite3_step(q);
  }
  sqlite3_finalize(q);
  if (fts5 == nullptr ||
      fts5->xCreateFunction(fts5, k_fts_bm25_function, nullptr, strata_bm25, nullptr) != SQLITE_OK ||
      fts5->xCreateFunction(fts5, k_fts_bm25_scoped_function, nullptr, strata_bm25_scoped, nullptr) != SQLITE_OK ||
      fts5->xCreateFunction(fts5, k_fts_length_function, nullptr, strata_fts_length, nullptr) != SQLITE_OK) {
    throw Error(ExitCode::unavailable, "this SQLite has no FTS5 (needed for keyword search)",
                "build strata against SQLite 3.20 or later with FTS5 enabled");
  }
}

}  // namespace strata::store
