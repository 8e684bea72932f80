#pragma once
// `strata_bm25(fts_table, k1, b [, n [, w0, w1, ...]])`: an FTS5 auxiliary function that is FTS5's
// own bm25() with the two BM25 parameters as arguments, and optionally bm25()'s column weights. FTS5's bm25() fixes k1 = 1.2 and b = 0.75; strata's keyword
// search ranks with the parameters below instead. Internal to core/store (it owns the SQL).
//
// Same formula as FTS5's bm25() (fts5_aux.c), so with k1 = 1.2 and b = 0.75 the scores are equal:
//   idf(p)  = ln((N - n(p) + 0.5) / (n(p) + 0.5)), or 1e-6 where that is <= 0
//             (N rows in the table, n(p) rows matching phrase p of the query)
//   score   = -sum_p idf(p) * f(p) (k1 + 1) / (f(p) + k1 (1 - b + b |D| / avgdl))
//             (f(p) hits of phrase p in the row, each counted as its column's weight; |D| the
//             row's tokens in all columns, avgdl the table's mean)
// Negative, lower is better, as bm25(): `ORDER BY strata_bm25(t, k1, b)` puts the best row first.
// Column weights follow n (give n = 0 for no limit), in column order: w0 for the first column and
// so on; a column without one weighs 1, as in bm25().
//
// With a fourth argument n > 0 (the LIMIT of the query's `ORDER BY score, rowid LIMIT n`),
// rows that cannot be among the best n of the rows the function sees score +Inf instead: their
// exact score is not computed (no read of the row's length). FTS5 gives the rows in ascending
// rowid order; each is checked against the n-th best score of the rows before it, using an upper
// bound of its score (the score with |D| = 0). So the first n rows of such a query are exactly
// those, and scored exactly as, without n. The function must see each candidate row once: call
// it from the result column ordered by, with the collection and filters as WHERE terms.
//
// Errors (SQL errors of the statement using it): fewer than two arguments after the table, more than
// three plus one per column, one that is not a number, k1 < 0, b outside [0, 1], a weight < 0.

// `strata_bm25_scoped(fts_table, k1, b, n, scope_column, rows, tokens, cap_column, cap [, w0, w1, ...])`: the same
// score within a scope, a subset of the table's rows named by one token in `scope_column`
// (chunks_fts's collection token, migrations/0009), for a query whose phrase 0 is that token:
// `scope : "c12" AND ({text title cjk} : (...))`. Then:
//   - phrase 0 is not scored;
//   - N is `rows` and avgdl is `tokens` / `rows` (the scope's, given by the caller, who keeps
//     them: FTS5 keeps totals for the whole table only);
//   - n(p) counts the rows of phrase p that phrase 0 also matches (the scope's rowids are read
//     once per query; when `rows` is the table's row count, none are read);
//   - |D| leaves out the row's tokens in `scope_column`, whose weight is 0.
// With rows = 0 there is no scope phrase: N, avgdl and n(p) are the whole table's, and |D| and
// avgdl still leave `scope_column` out. So a scope's scores are exactly those of a table that
// holds only the scope's rows. With cap > 0, column `cap_column` (the title) is capped: its
// weight in a row is capped_column_weight(w, cap, the row's tokens in that column), below; with
// cap = 0 (cap_column is then ignored) every row has the weights given. Errors as strata_bm25's,
// and a scope or cap column that is not a column, or a negative rows, tokens or cap.
//
// Every function adds a phrase's weighted hits column by column (count x weight, in column
// order), the order PostgreSQL's scorer and the in-memory copy follow, so all three give the
// same doubles whatever the weights.
//
// `strata_fts_length(fts_table, column)`: the row's tokens in every column but `column`; summed
// over a scope's rows, the `tokens` above.

#include <cmath>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

struct sqlite3;

namespace strata::store {

inline constexpr const char* k_fts_bm25_function = "strata_bm25";
inline constexpr const char* k_fts_bm25_scoped_function = "strata_bm25_scoped";
inline constexpr const char* k_fts_length_function = "strata_fts_length";

struct Bm25Parameters {
  double k1 = 1.2;
  double b = 0.75;
};

// The parameters of `strata search --mode keyword`, chosen on the five collections of
// ../shared/eval together (bench/search_eval.sh; BENCHMARKS.md "search quality", parameters): the pair
// whose worst margin over the reference BM25 (Lucene-style, k1 0.9, b 0.4, Porter) is largest.
// nDCG@10 npl / med / cisi / cacm / lisa with k1 1.6, b 0.4: .444 / .679 / .396 / .501 / .463
// (reference .438 / .671 / .361 / .466 / .422). Leaving each collection out in turn picks the
// same pair from the other four, except without npl (k1 1.2, b 0.55: npl .439, still above the
// reference). The surface is flat near the optimum (means .491 to .497 for k1 1.2 to 2.0 and
// b 0.35 to 0.55); b = 0.75 (FTS5's) loses on cacm, whose many title-only records are short.
inline constexpr Bm25Parameters k_keyword_bm25{1.6, 0.4};

// The weights of chunks_fts's columns (migrations/0007) in keyword search: a term in the
// document's title counts as 3 terms of the text, as a title field weighs more in BM25F and in
// search engines' defaults; the CJK terms are terms of the text. 3 was measured on every eval
// collection that has titles (BENCHMARKS.md "search quality", titles): keyword nDCG@10 on
// ../shared/eval (weights 1 / 2 / 3 / 4 / 5) cacm .416/.436/.453/.445/.448, cisi
// .322/.331/.332/.331/.332, lisa .373/.385/.390/.391/.391 (npl and med have no titles), and
// docs-qa (60 questions) .585/.611/.610/—/.613: a plateau from 3 on, 3 best on average.
struct FtsColumnWeights {
  double text = 1.0;
  double title = 3.0;
  double cjk = 1.0;
};
inline constexpr FtsColumnWeights k_keyword_column_weights{};

// The title cap (`strata search --title-cap N`, [search] title_cap; bench/search_screen.py `tl`):
// a title counted as a label. A title of at most `cap` terms weighs its full `weight`; a longer
// one 1 + (weight - 1) x cap / terms, so that a long title (a paper's, a page's with its site
// name) adds no more title weight in all than a label of `cap` terms. Only a weight above 1 is
// capped (the result lies between 1 and it, so a row's score never rises). cap = 0: no cap.
// Off by default: measured at 6 on ../shared/eval (BENCHMARKS.md "search quality", the title
// cap), it lifts cisi, cacm and docs-qa's postgresql pages but lowers lisa, whose long paper
// titles are good evidence.
inline double capped_column_weight(double weight, long long cap, long long terms) {
  if (cap <= 0 || !(weight > 1.0) || terms <= cap) return weight;
  return 1.0 + (weight - 1.0) * static_cast<double>(cap) / static_cast<double>(terms);
}

// A capped column and its cap in tokens (strata_bm25_scoped's cap_column and cap); terms 0: none.
struct ColumnCap {
  int column = -1;
  long long terms = 0;
};

// A phrase's weighted hits in a row: hits[c] x weights[c] added in column order (the order every
// scorer follows; see the top of this file).
inline double weighted_hits(const double* hits, const double* weights, std::size_t columns) {
  double f = 0.0;
  for (std::size_t c = 0; c < columns; ++c) f += hits[c] * weights[c];
  return f;
}

// The formula above, shared by the FTS5 function and by a long-running process's in-memory copy
// of the index (sqlite/keyword_memory.h), so that both rank alike. The idf of a phrase matching
// `hits` of `rows` rows, computed exactly as fts5_aux.c does (so that (1.2, 0.75) gives bm25()'s
// very numbers):
inline double bm25_idf(long long rows, long long hits) {
  double idf = std::log((static_cast<double>(rows - hits) + 0.5) / (static_cast<double>(hits) + 0.5));
  return idf <= 0.0 ? 1e-6 : idf;
}
// A phrase's part of a row's score (positive; the functions return minus the sum): `f` its
// weighted hits in the row, `d` the row's length, `avgdl` the mean length.
inline double bm25_term(double idf, double f, double k1, double b, double d, double avgdl) {
  return idf * ((f * (k1 + 1.0)) / (f + k1 * (1 - b + b * d / avgdl)));
}

// The FTS5 string that starts at match[i] (a '"'), its doubled quotes undone, with `i` moved past
// its closing quote; nullopt when none starts there or it never ends. Both stores' readers of
// strata's own match expressions (PostgreSQL's postings, SQLite's in-memory copy) take strings
// with it.
std::optional<std::string> read_fts_string(std::string_view match, std::size_t& i);

// Registers strata_bm25, strata_bm25_scoped and strata_fts_length on `db` through fts5_api. Call once per connection (each call adds
// another entry to FTS5's list). Throws Error(unavailable) when `db` has no FTS5.
void register_fts_bm25(sqlite3* db);

}  // namespace strata::store
