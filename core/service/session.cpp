#include "service/session.h"

#include <utility>

#include "common/error.h"
#include "store/catalog.h"
#include "store/collections.h"
#include "store/no_collection.h"
#include "store/no_store.h"

namespace strata::service {

Session::Session(std::string store_path, store::OpenOptions open, Access access, const Profile& profile)
    : store_path_(std::move(store_path)), open_(std::move(open)), access_(access), profile_(&profile) {}

store::Store& Session::store() {
  if (store_ && !store_->connected()) close();
  if (!store_) {
    if (access_ == Access::create) {
      store_.emplace(store::Store::open(store_path_, open_));
    } else if (access_ == Access::read_write) {
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

search::SearchResult Session::search(search::SearchRequest request) { return search_within(std::move(request), profile_->limits); }

// An answer's k was checked by its own rules (check_ask_request: up to the door's k_ask_k_max);
// its retrieval is bounded as every search of the door is.
search::SearchResult Session::retrieve(search::SearchRequest request) {
  return search_within(std::move(request), SearchLimits{0, k_terminal_k_max});
}

search::SearchResult Session::search_within(search::SearchRequest request, const SearchLimits& limits) {
  require(auth::Scope::read, request.collection);
  search::apply_bounds(request, profile_->search);
  if (cancel_) request.cancel = cancel_;
  try {
    return search_within_breakers(request, limits);
  } catch (const store::NoCollection& e) {
    no_collection(e.name());
  }
}

search::SearchResult Session::search_within_breakers(search::SearchRequest& request, const SearchLimits& limits) {
  if (!breakers_) return run_search(searcher(), request, limits);
  const std::string server = "the embedding server of collection '" + request.collection + "'";
  const std::string reranker = "the reranker";
  request.skip_embedding = breakers_->refused(server, server);
  if (request.rerank && breakers_->refused(reranker, reranker)) request.rerank.reset();
  search::SearchResult result = run_search(searcher(), request, limits);
  if (!request.skip_embedding) {
    if (!result.query_not_embedded.empty()) {
      breakers_->failed(server, result.query_not_embedded);
    } else if (result.mode != search::Mode::keyword) {
      breakers_->succeeded(server);
    }
  }
  if (request.rerank) {
    // A reranker the caller stopped waiting for did not fail.
    if (!result.rerank_failure.empty() && !cancelled()) {
      breakers_->failed(reranker, result.rerank_failure);
    } else if (result.reranked) {
      breakers_->succeeded(reranker);
    }
  }
  return result;
}

// A remote caller hears the names of at most this many collections in a hint.
constexpr std::size_t k_hint_collections = 20;

void Session::no_collection(const std::string& name) {
  std::vector<std::string> names;
  std::size_t more = 0;
  for (const std::string& n : store::collection_names(store())) {
    if (!may(auth::Scope::read, n)) continue;
    if (names.size() < k_hint_collections) {
      names.push_back(n);
    } else {
      ++more;
    }
  }
  const bool remote = profile_->door == Door::http;
  std::string hint;
  if (names.empty()) {
    hint = reach_ ? "this key reaches no collection of the store"
                  : (remote ? "the store has no collections yet" : "the store has no collections yet: strata ingest PATH");
  } else {
    hint = reach_ ? "collections this key reaches:" : "collections in this store:";
    for (const std::string& n : names) hint += " " + n;
    if (more > 0) hint += " and " + std::to_string(more) + " more";
  }
  // A remote caller is never told where the server keeps its store.
  throw store::NoCollection(name, "no collection named '" + name + "'" + (remote ? "" : " in " + store().path()), hint);
}

store::CollectionInfo Session::collection(auth::Scope scope, const std::string& name) {
  require(scope, name);
  store::validate_collection_name(name);
  std::optional<store::CollectionInfo> c = store::find_collection(store(), name);
  if (!c) no_collection(name);
  return *c;
}

std::optional<store::CollectionInfo> Session::reachable(auth::Scope scope, const std::string& name) {
  if (!may(scope, name)) return std::nullopt;
  try {
    store::validate_collection_name(name);
  } catch (const Error&) {
    return std::nullopt;
  }
  return store::find_collection(store(), name);
}

std::vector<store::CollectionInfo> Session::collections() {
  std::vector<store::CollectionInfo> all = store::list_collections(store());
  std::erase_if(all, [&](const store::CollectionInfo& c) { return !may(auth::Scope::read, c.name); });
  return all;
}

ReadResult Session::read(const ReadRequest& request) {
  collection(auth::Scope::read, request.collection);
  return read_document(store(), request);
}

DocumentsPage Session::documents(const DocumentsRequest& request) {
  collection(auth::Scope::read, request.collection);
  return list_documents(store(), request);
}

std::vector<store::DocumentSummary> Session::remove(const std::string& name, const std::string& source) {
  collection(auth::Scope::write, name);
  return store::remove_documents(store(), name, {source});
}

}  // namespace strata::service
