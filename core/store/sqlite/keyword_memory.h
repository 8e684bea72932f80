#pragma once
// A long-running process's copy of a collection's keyword index in memory (`strata serve`,
// `strata mcp`): the keyword list without FTS5's per-row work (a position-list walk and a length
// read per matching row, most of a search's time on NPL's long queries).
//
// Built FROM the store's own index (FTS5's fts5vocab 'instance' table: term, row, column,
// position), so tokenization stays FTS5's: the index holds the terms as the table's tokenizer
// stored them, and a query's strings are cut by that same tokenizer (found through fts5_api).
// Ranked by the formula strata_bm25_scoped uses (fts_bm25.h: bm25_idf, bm25_term), on the same
// statistics: the collection's rows, their lengths outside the scope column, each phrase's rows
// among them. So its keyword list is the store path's, hit for hit and score for score.
//
// One copy per store file and collection, for one state of the index: FTS5's structure record
// (chunks_fts_data, id 10), which every write to the index changes. A search that finds another
// state starts a build on a thread of its own and is answered by the store path until it is
// ready. Anything the copy cannot answer exactly (filters, a query string FTS5 makes a phrase of
// several tokens or of colocated ones, an expression not of the form `"a" OR "b" ...`) is
// answered by the store path too. Bounded: a collection whose copy would pass the memory limit
// is not copied.
#include <SQLiteCpp/Database.h>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "store/fts_bm25.h"
#include "store/search_store.h"

namespace strata::store::sqlite_store {

// One collection's index, read only once built.
class MemoryKeywordIndex {
 public:
  struct Entry {
    std::uint32_t row = 0;    // into rowids
    std::uint16_t column = 0;
    std::uint16_t count = 0;  // the term's positions in that column of that row
  };
  // Reads the index of `collection_id` (scope token "c<id>" in `scope_column`) from `db`, which
  // must be in a read transaction. nullopt when it would take more than `max_bytes`.
  // A set `stop` ends the build (nullopt).
  static std::optional<MemoryKeywordIndex> build(SQLite::Database& db, std::int64_t collection_id, int scope_column,
                                                 std::size_t max_bytes, const std::atomic<bool>* stop = nullptr);

  // The best `limit` rows for `terms` (one per phrase of the query, in its order; a repeat
  // counts again), as keyword_search gives them: scores from strata_bm25's formula, best first,
  // equal scores by rowid.
  // `cap` caps a column's weight by the row's tokens in it, as strata_bm25_scoped does.
  std::vector<KeywordRow> search(const std::vector<std::string>& terms, double k1, double b,
                                 const std::vector<double>& column_weights, const ColumnCap& cap,
                                 std::size_t limit) const;

  std::size_t rows() const { return rowids_.size(); }
  std::size_t bytes() const { return bytes_; }

 private:
  int scope_column_ = -1;
  std::vector<std::int64_t> rowids_;
  std::vector<std::uint32_t> lengths_;  // tokens outside the scope column, per row
  std::size_t columns_ = 0;
  std::vector<std::uint16_t> column_sizes_;  // per row and column (row x columns_ + column), at most 65535
  double tokens_ = 0;                   // their sum
  std::unordered_map<std::string, std::vector<Entry>> postings_;  // by term
  std::size_t bytes_ = 0;
};

// The process's copies. Not copied unless a caller asks (keyword_search's `in_memory`).
struct KeywordMemoryLimits {
  // The most memory all copies may take together.
  std::size_t max_bytes = std::size_t{512} << 20;
};

// The keyword list from the process's copy of the collection's index when it is ready and can
// answer `match` exactly; nullopt otherwise (the caller runs the store path), after starting a
// build for the index's current state if none is under way. `db` is the caller's connection, in
// a read transaction; `path` its file (a build opens its own connection to it).
// `scope_column`, `bm25`, `column_weights` and `cap` are the store path's (its strata_bm25_scoped
// arguments).
std::optional<std::vector<KeywordRow>> keyword_search_in_memory(SQLite::Database& db, const std::string& path,
                                                                std::int64_t collection_id, int scope_column,
                                                                const std::string& match, const Bm25Parameters& bm25,
                                                                const std::vector<double>& column_weights,
                                                                const ColumnCap& cap, std::size_t limit);

// The strings of `match` (or_of_strings) as the table's tokenizer cuts them for a query, one
// term each; nullopt when `match` is of another form or a string gives no term, several or
// colocated ones (FTS5 makes a phrase of it, which the copy does not answer).
std::optional<std::vector<std::string>> query_terms_of(SQLite::Database& db, const std::string& match);

// Blocks until no build is under way (tests, benchmarks).
void wait_for_keyword_memory();
// Copies ready, and bytes they hold (metrics).
std::size_t keyword_memory_ready();
std::size_t keyword_memory_bytes();

// The strings of an expression of the form `"a" OR "b" OR ...` (search/fts_query.h's), unquoted;
// nullopt for any other form.
std::optional<std::vector<std::string>> or_of_strings(const std::string& match);

}  // namespace strata::store::sqlite_store
