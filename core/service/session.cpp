#include "service/session.h"

#include <utility>

#include "common/error.h"
#include "store/no_store.h"

namespace strata::service {

Session::Session(std::string store_path, store::OpenOptions open, Access access, const Profile& profile)
    : store_path_(std::move(store_path)), open_(std::move(open)), access_(access), profile_(&profile) {}

store::Store& Session::store() {
  if (store_ && !store_->connected()) close();
  if (!store_) {
    if (access_ == Access::read_write) {
      store_.emplace(store::Store::open_existing(store_path_, open_));
    } else {
      std::optional<store::Store> st = store::Store::open_read_only(store_path_, open_);
      if (!st) {
        throw store::NoStore(store::store_display(store_path_),
                             "add documents with strata ingest first (the server finds it on the next call)");
      }
      store_ = std::move(st);
    }
  }
  return *store_;
}

search::Searcher& Session::searcher() {
  store::Store& st = store();  // first: it may open the store again, and the searcher with it
  if (!searcher_) searcher_.emplace(st);
  return *searcher_;
}

void Session::close() {
  searcher_.reset();
  store_.reset();
}

void Session::require(auth::Scope scope, std::string_view collection) const {
  if (!may(scope, collection)) throw auth::refused_reach(scope, collection);
}

search::SearchResult Session::search(search::SearchRequest request) {
  require(auth::Scope::read, request.collection);
  search::apply_bounds(request, profile_->search);
  return run_search(searcher(), request, profile_->limits);
}

}  // namespace strata::service
