#include "store/postgres/pg_postings_cache.h"

#include <list>
#include <mutex>
#include <unordered_map>
#include <utility>

namespace strata::store::pg {
namespace {

// One key string: the parts joined by a byte none of them holds (the store part is a display
// and a hex id, the version digits).
std::string postings_key(const PostingsState& state, const std::string& term) {
  std::string key = state.store;
  key += '\0';
  key += std::to_string(state.collection);
  key += '\0';
  key += state.version;
  key += '\0';
  key += term;
  return key;
}

}  // namespace

struct PostingsCache::Impl {
  struct Entry {
    std::string key;
    std::shared_ptr<const TermBlocks> blocks;
  };
  std::size_t max_bytes;
  mutable std::mutex mutex;
  std::list<Entry> lru;  // most recently used first
  std::unordered_map<std::string, std::list<Entry>::iterator> by_key;
  std::size_t bytes = 0;

  void drop(std::list<Entry>::iterator it) {
    bytes -= it->blocks->bytes;
    by_key.erase(it->key);
    lru.erase(it);
  }
};

PostingsCache::PostingsCache(std::size_t max_bytes) : impl_(std::make_unique<Impl>()) { impl_->max_bytes = max_bytes; }
PostingsCache::~PostingsCache() = default;

PostingsCache& PostingsCache::process() {
  static PostingsCache cache;
  return cache;
}

std::shared_ptr<const TermBlocks> PostingsCache::find(const PostingsState& state, const std::string& term) {
  const std::string key = postings_key(state, term);
  std::lock_guard lock(impl_->mutex);
  const auto it = impl_->by_key.find(key);
  if (it == impl_->by_key.end()) return nullptr;
  impl_->lru.splice(impl_->lru.begin(), impl_->lru, it->second);
  return it->second->blocks;
}

void PostingsCache::put(const PostingsState& state, const std::string& term, std::shared_ptr<const TermBlocks> blocks) {
  if (!blocks || blocks->bytes > impl_->max_bytes / 8) return;
  std::string key = postings_key(state, term);
  std::lock_guard lock(impl_->mutex);
  if (const auto it = impl_->by_key.find(key); it != impl_->by_key.end()) impl_->drop(it->second);
  impl_->bytes += blocks->bytes;
  impl_->lru.push_front(Impl::Entry{key, std::move(blocks)});
  impl_->by_key.emplace(std::move(key), impl_->lru.begin());
  while (impl_->bytes > impl_->max_bytes && !impl_->lru.empty()) impl_->drop(std::prev(impl_->lru.end()));
}

std::size_t PostingsCache::bytes() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->bytes;
}

std::size_t PostingsCache::terms() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->lru.size();
}

void PostingsCache::clear() {
  std::lock_guard lock(impl_->mutex);
  impl_->lru.clear();
  impl_->by_key.clear();
  impl_->bytes = 0;
}

}  // namespace strata::store::pg
