#pragma once
// The approximate indexes of a long-running process, built in the background: a search asks for
// its collection's index and, until it is ready, answers by the exact scan, so no query waits
// for a build. An index belongs to one state of the store's vectors (the VectorFingerprint: it
// changes with every embed and removal, on both backends) and to one collection and model; a
// search that finds the store in another state starts a new build, and the old index is freed.
// Shared by every Searcher of the process (serve's workers, MCP sessions) so that a collection
// is indexed once.
#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "search/ann_index.h"
#include "search/ann_key.h"
#include "search/ann_settings.h"
#include "search/vector_index.h"
#include "store/embedding_store.h"
#include "store/search_store.h"

namespace strata::search {

enum class AnnState {
  building,   // the scan answers until it is ready
  ready,
  too_large,  // it would pass AnnSettings::max_bytes: the scan answers
  failed,     // the build failed (memory): the scan answers
};

class AnnCache {
 public:
  AnnCache() = default;
  ~AnnCache();  // stops the builds under way and waits for them
  AnnCache(const AnnCache&) = delete;
  AnnCache& operator=(const AnnCache&) = delete;

  // The process's cache.
  static AnnCache& process();

  // The index for `key` when it is ready; otherwise nullptr, and a build of it from `vectors`
  // started on a thread of its own (unless one is under way, or it failed or would not fit for
  // this key). REQUIRES: `vectors` holds key.rows rows, the collection's in the key's state.
  // With `saved` (AnnIndex::saved_file in the store's derived folder), the build first loads
  // the index saved there for this key, and saves the one it builds.
  std::shared_ptr<const AnnIndex> find_or_build(const AnnKey& key, std::shared_ptr<const VectorIndex> vectors,
                                                const AnnSettings& settings, const std::string& saved = {});

  // The state of the collection's index for `key`; nullopt when none was asked for.
  std::optional<AnnState> state(const AnnKey& key) const;
  // Bytes held by the ready indexes and reserved by the builds under way.
  std::size_t bytes() const;
  // Indexes ready, those of them loaded from a saved index rather than built, and builds under way.
  std::size_t ready() const;
  std::size_t loaded() const;
  std::size_t building() const;
  // Blocks until no build is under way (tests, benchmarks).
  void wait_idle();

 private:
  struct Entry {
    AnnKey key;
    AnnState state = AnnState::building;
    std::shared_ptr<const AnnIndex> index;
    std::size_t bytes = 0;  // held or reserved
  };
  void run_build(std::pair<std::string, std::int64_t> slot, AnnKey key, std::shared_ptr<const VectorIndex> vectors,
                 AnnSettings settings, std::string saved);
  void reap_finished();  // joins the threads whose builds ended; REQUIRES: mutex_ held

  mutable std::mutex mutex_;
  std::condition_variable idle_;
  std::map<std::pair<std::string, std::int64_t>, Entry> entries_;  // by store id and collection
  std::vector<std::thread> threads_;
  std::vector<std::thread::id> finished_;
  std::size_t building_ = 0;
  std::atomic<bool> stop_{false};
};

}  // namespace strata::search
