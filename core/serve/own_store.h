#pragma once
// A store handle of a thread (or a mutex) of its own, beside the workers' (the jobs' pool and beat,
// the shared rate limits): opened on first use, never made (a server may start before its store
// is), and opened again once its server's connection was lost.
#include <exception>
#include <optional>
#include <string>
#include <utility>

#include "store/store.h"

namespace strata::serve {

class OwnStore {
 public:
  OwnStore(std::string path, store::OpenOptions open) : path_(std::move(path)), open_(std::move(open)) {}

  // The store, or nullptr when it cannot be opened now (no store yet, a server unreachable):
  // asked again at the caller's next use.
  store::Store* get() {
    if (store_ && store_->connected()) return &*store_;
    store_.reset();
    try {
      store_.emplace(store::Store::open_existing(path_, open_));
    } catch (const std::exception&) {
      return nullptr;
    }
    return &*store_;
  }

 private:
  std::string path_;
  store::OpenOptions open_;
  std::optional<store::Store> store_;
};

}  // namespace strata::serve
