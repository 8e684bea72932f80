#pragma once
// `strata collections copy`: one collection of a store written into another store, SQLite or
// PostgreSQL either way, with its documents, chunks (the same text, offsets, lines, pages and
// headings), chunking configuration, embedding model and vectors. A team starts with a local file
// and moves to a server later, or takes a server's collection along offline.
#include <cstdint>
#include <functional>
#include <string>

#include "store/store.h"

namespace strata::store {

struct CopyOptions {
  std::string collection;  // in the source
  std::string as;          // its name in the destination; "" keeps the name
  // A destination collection of that name that already holds documents is refused (Error
  // usage) unless this is set; then documents are added or replaced by source, as ingest does.
  bool merge = false;
  // Documents per transaction: a copy killed half-way keeps whole documents only, and a re-run
  // finishes it (unchanged documents are not written again).
  std::size_t batch = 200;
};

struct CopyResult {
  std::int64_t documents = 0;  // written (added or changed)
  std::int64_t unchanged = 0;  // already in the destination with the same content and vectors
  std::int64_t chunks = 0;
  std::int64_t vectors = 0;
};

// Called after each document with the counts so far.
using CopyProgress = std::function<void(const CopyResult&)>;

// Throws Error(invalid_input) for a collection the source lacks, Error(usage) for a copy onto
// itself or onto a non-empty collection without `merge`, and what the stores throw.
CopyResult copy_collection(Store& from, Store& to, const CopyOptions& options, const CopyProgress& progress = {});

}  // namespace strata::store
