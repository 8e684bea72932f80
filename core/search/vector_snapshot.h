#pragma once
// A collection's vector index, as vector search needs it in memory, and its persisted snapshot.
//
// Building the index of a large collection (reading every vector from SQLite, normalising it,
// computing the int8 codes) costs far more than a query, so a one-shot `strata search` would
// spend most of its time there. The finished index is therefore kept beside the store, one
// file per collection, `<store path>.vectors/<collection id>.bin`, and mapped read-only by the
// next search instead of being rebuilt (a PostgreSQL store's: in the user's cache, snapshot_file). The file is a derived cache: it is used only while its
// header names the store's current VectorFingerprint (store id + embeddings generation), the
// collection and its embedding model, and is otherwise ignored and rewritten. Writing it is
// best effort (a temporary file in the same folder, then rename()); a store whose folder cannot
// be written simply rebuilds the index each time.
//
// File layout (native byte order, checked by a marker; every section 64-byte aligned):
//   header (256 bytes): magic "STRATAVX", version, byte-order marker, file size, collection
//     id, generation, rows, dims, prepass, checksum, and offset + size of each section;
//   strings: store id, embedding provider, embedding model (u32 length + bytes each);
//   chunk ids (int64, ascending); the normalised float32 matrix (rows × dims);
//   int8 codes (rows × dims); scale, residual bound and code norm (float32, one per row).
// The checksum covers the header, the strings, the chunk ids and the three per-row arrays (a
// few MB for 100,000 rows); the matrix and the codes are only checked for size, so reading
// does not fault in the whole file.
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "search/vector_index.h"
#include "store/embedding_store.h"
#include "store/search_store.h"
#include "store/store.h"

namespace strata::search {

// The vectors of collection `collection_id`, recorded under `model`, in chunk id order, with the
// fingerprint of the store state they were read from. REQUIRES: model.dimensions > 0.
// Throws what store::load_vectors throws.
store::CollectionVectors load_collection_matrix(store::Store& store, std::int64_t collection_id,
                                                const store::EmbeddingModel& model);

// What a snapshot must describe to be used.
struct SnapshotKey {
  store::VectorFingerprint fingerprint;
  std::int64_t collection_id = 0;
  store::EmbeddingModel model;
};

// A collection's finished vector index: row r is chunk chunk_ids[r] (ascending).
struct CollectionIndex {
  store::VectorFingerprint fingerprint;  // the store state the vectors were read from
  std::vector<std::int64_t> chunk_ids;
  std::unique_ptr<VectorIndex> index;
  bool from_snapshot = false;  // mapped from the snapshot file rather than built
};

// `<folder>/<collection_id>.bin`, where `folder` is the store's store::derived_folder (beside a
// file store, `<store path>.vectors`; for a store on a server, the user's cache folder under
// `strata/stores/<store id>`, created 0700). Empty when `folder` is.
std::string snapshot_file(const std::string& folder, std::int64_t collection_id);

// The snapshot at `path`, mapped (the index reads the mapping; nothing large is copied), when
// it exists, is well formed (sizes, section bounds, checksum, ascending chunk ids) and was made
// for exactly `key`; nullopt otherwise. Never throws for a bad or missing file.
std::optional<CollectionIndex> read_snapshot(const std::string& path, const SnapshotKey& key);

// Writes the snapshot of `index` (rows = chunk_ids.size()) for `key` to `path`, creating its
// folder: a temporary file in that folder, renamed over `path`. Best effort: returns false,
// leaving no temporary file behind, when anything fails (read-only folder, full disk, ...).
bool write_snapshot(const std::string& path, const SnapshotKey& key, std::span<const std::int64_t> chunk_ids,
                    const VectorIndex& index) noexcept;

// The index of collection `collection_id` under `model` (Prepass::int8): from its snapshot when
// that matches the store's current fingerprint (and `use_snapshot`), else loaded from the
// store, built, and written as the new snapshot (best effort). REQUIRES: model.dimensions > 0.
// Throws what store::load_vectors and VectorIndex's constructor throw. The checksum does not
// cover the vectors themselves (reading would fault in the whole file): a search that finds a
// score that is not a number in a snapshot's index calls this again with `use_snapshot` false.
CollectionIndex load_collection_index(store::Store& store, std::int64_t collection_id,
                                      const store::EmbeddingModel& model, bool use_snapshot = true);

}  // namespace strata::search
