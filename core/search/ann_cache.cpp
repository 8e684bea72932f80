#include "search/ann_cache.h"

#include <algorithm>
#include <exception>

namespace strata::search {

AnnCache& AnnCache::process() {
  static AnnCache cache;
  return cache;
}

AnnCache::~AnnCache() {
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

std::size_t AnnCache::bytes() const {
  const std::lock_guard<std::mutex> lock(mutex_);
  std::size_t total = 0;
  for (const auto& [slot, e] : entries_) total += e.bytes;
  return total;
}

std::size_t AnnCache::ready() const {
  const std::lock_guard<std::mutex> lock(mutex_);
  return static_cast<std::size_t>(
      std::count_if(entries_.begin(), entries_.end(), [](const auto& e) { return e.second.state == AnnState::ready; }));
}

std::size_t AnnCache::loaded() const {
  const std::lock_guard<std::mutex> lock(mutex_);
  return static_cast<std::size_t>(std::count_if(entries_.begin(), entries_.end(), [](const auto& e) {
    return e.second.state == AnnState::ready && e.second.index && e.second.index->loaded();
  }));
}

std::size_t AnnCache::building() const {
  const std::lock_guard<std::mutex> lock(mutex_);
  return building_;
}

std::optional<AnnState> AnnCache::state(const AnnKey& key) const {
  const std::lock_guard<std::mutex> lock(mutex_);
  const auto it = entries_.find({key.fingerprint.store_id, key.collection_id});
  if (it == entries_.end() || !(it->second.key == key)) return std::nullopt;
  return it->second.state;
}

void AnnCache::wait_idle() {
  std::unique_lock<std::mutex> lock(mutex_);
  idle_.wait(lock, [this] { return building_ == 0; });
  reap_finished();
}

void AnnCache::reap_finished() {
  for (const std::thread::id id : finished_) {
    const auto it = std::find_if(threads_.begin(), threads_.end(), [id](const std::thread& t) { return t.get_id() == id; });
    if (it == threads_.end()) continue;
    it->join();  // its build has ended: at most the last few instructions of the thread remain
    threads_.erase(it);
  }
  finished_.clear();
}

std::shared_ptr<const AnnIndex> AnnCache::find_or_build(const AnnKey& key, std::shared_ptr<const VectorIndex> vectors,
                                                        const AnnSettings& settings, const std::string& saved) {
  const std::lock_guard<std::mutex> lock(mutex_);
  reap_finished();
  const std::pair<std::string, std::int64_t> slot{key.fingerprint.store_id, key.collection_id};
  auto it = entries_.find(slot);
  if (it != entries_.end()) {
    Entry& e = it->second;
    if (e.key == key) return e.state == AnnState::ready ? e.index : nullptr;
    // Another state of the store's vectors: a build under way finishes first (it replaces
    // this entry, and the next search starts the new one); a ready index of the old state is
    // freed now, its rows no longer the collection's.
    if (e.state == AnnState::building) return nullptr;
    entries_.erase(it);
  }
  std::size_t held = 0;
  for (const auto& [s, e] : entries_) held += e.bytes;
  const std::size_t need = AnnIndex::estimated_bytes(settings, key.rows, vectors->dims());
  Entry& e = entries_[slot];
  e.key = key;
  if (held + need > settings.max_bytes) {
    e.state = AnnState::too_large;
    return nullptr;
  }
  e.state = AnnState::building;
  e.bytes = need;
  ++building_;
  threads_.emplace_back(
      [this, slot, key, vectors = std::move(vectors), settings, saved] { run_build(slot, key, vectors, settings, saved); });
  return nullptr;
}

void AnnCache::run_build(std::pair<std::string, std::int64_t> slot, AnnKey key, std::shared_ptr<const VectorIndex> vectors,
                         AnnSettings settings, std::string saved) {
  std::shared_ptr<const AnnIndex> built = AnnIndex::load(saved, key, *vectors, settings);
  bool failed = false;
  if (!built) {
    try {
      std::unique_ptr<AnnIndex> made = AnnIndex::build(*vectors, settings, &stop_);
      if (made) made->save(saved, key, settings);  // best effort: the next process loads it
      built = std::move(made);
    } catch (const std::exception&) {
      failed = true;  // the scan answers; the key is not tried again
    }
  }
  vectors.reset();
  const std::lock_guard<std::mutex> lock(mutex_);
  const auto it = entries_.find(slot);
  if (it != entries_.end() && it->second.key == key) {
    it->second.state = built ? AnnState::ready : AnnState::failed;
    it->second.index = std::move(built);
    // Held now: what the index takes (less than the bound reserved when rows share vectors).
    it->second.bytes = failed || !it->second.index ? 0 : it->second.index->bytes();
  }
  --building_;
  finished_.push_back(std::this_thread::get_id());
  idle_.notify_all();
}

}  // namespace strata::search
