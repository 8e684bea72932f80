#pragma once
// The keyword index's tokenizer, outside any store: SQLite FTS5's `porter unicode61
// remove_diacritics 2` (the `tokenize` of chunks_fts, migration 0005), reached through the
// fts5_api of a private in-memory connection. What it yields for a text are exactly the terms
// chunks_fts indexes for that text: Unicode words (letters and digits, unicode61's rules),
// case-folded, diacritics removed, then Porter-stemmed ("Connections" and "connected" both give
// "connect"). The local embedder's hash-ngram-v2 model uses it, so that its word features are
// the keyword index's terms, not a second stemmer's approximation of them.
//
// Internal to core (it runs SQL on its own connection, so it lives in core/store).
#include <cstddef>
#include <memory>
#include <string_view>
#include <type_traits>

namespace strata::store {

// The tokenizer specification; equal to the one in migrations/0005 (tested).
inline constexpr const char* k_fts_tokenizer = "porter unicode61 remove_diacritics 2";

class FtsTokenizer {
 public:
  // Throws Error(unavailable) when this SQLite has no FTS5 or no porter tokenizer.
  FtsTokenizer();
  ~FtsTokenizer();
  FtsTokenizer(const FtsTokenizer&) = delete;
  FtsTokenizer& operator=(const FtsTokenizer&) = delete;

  // Calls sink(context, term) for each term of `text`, in order. `term` is valid during the call
  // only. Any bytes are accepted (invalid UTF-8 is FTS5's business, as in the index).
  // Not thread-safe: one FtsTokenizer per thread (creating one costs a few microseconds).
  using Sink = void (*)(void* context, std::string_view term);
  void tokenize(std::string_view text, Sink sink, void* context) const;

  // Same, with any callable taking a std::string_view.
  template <typename F>
  void for_each_term(std::string_view text, F&& f) const {
    tokenize(
        text, [](void* c, std::string_view term) { (*static_cast<std::remove_reference_t<F>*>(c))(term); },
        static_cast<void*>(&f));
  }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace strata::store
