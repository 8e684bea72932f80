#pragma once
// A caller's session with the store, as every door opens it: the one store handle (opened on
// first use, again after its server's connection was lost), its searcher, the caller's reach
// (which collections it may use, and at which scope) and the door's profile (its limits and
// deadlines: profile.h), what the door remembers of failed outside servers (breaker.h) and the
// running call's cancel flag. A door opens one for its caller (a terminal, an agent over stdio,
// a serve worker for the requests it runs) and runs the operations on it; no door opens a store
// or makes a searcher of its own. Not thread-safe: one thread at a time (a serve worker's).
#include <atomic>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auth/key.h"
#include "search/searcher.h"
#include "service/breaker.h"
#include "service/documents.h"
#include "service/profile.h"
#include "service/search.h"
#include "store/store.h"

namespace strata::service {

class Session {
 public:
  // How the store is opened: a door that writes (serve's ingest and remove) opens it as it is; one
  // that only reads (strata mcp) opens it read-only and never creates one; a command that makes
  // the store when there is none yet (strata embed, keys create) creates it.
  enum class Access { read_only, read_write, create };
  Session(std::string store_path, store::OpenOptions open, Access access, const Profile& profile);
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // The store, opened on first use and again after its server's connection was lost (one frozen
  // moment of a server fails one operation, not every one after it). Throws Error(unavailable),
  // of kind not_found when there is no store yet.
  store::Store& store();
  // The store's searcher, made with it (and made again when the store is opened again).
  search::Searcher& searcher();
  // Forgets the store and its searcher (the next operation opens it again).
  void close();

  const Profile& profile() const { return *profile_; }
  const std::string& store_path() const { return store_path_; }

  // Which collections the current caller may use, at which scope: set by the door for each
  // caller (serve: the API key's; unset: every one, a terminal's or stdio's own store).
  using Reach = std::function<bool(auth::Scope scope, std::string_view collection)>;
  void set_reach(Reach reach) { reach_ = std::move(reach); }
  const Reach& reach() const { return reach_; }
  bool may(auth::Scope scope, std::string_view collection) const { return !reach_ || reach_(scope, collection); }
  // Throws auth::refused_reach (kind refused, the one wording) unless the caller may.
  void require(auth::Scope scope, std::string_view collection) const;

  // What the door remembers of failed outside servers, shared by its sessions (breaker.h);
  // nullptr (the terminal's): nothing is remembered, every call tries. Outlives the session.
  void set_breakers(Breakers* breakers) { breakers_ = breakers; }
  Breakers* breakers() const { return breakers_; }
  // The running call's cancel flag (set by another thread when the client cancels the call),
  // passed to the outbound requests of every operation; nullptr when nothing can cancel it.
  void set_cancel(const std::atomic<bool>* cancel) { cancel_ = cancel; }
  const std::atomic<bool>* cancel() const { return cancel_; }
  bool cancelled() const { return cancel_ && cancel_->load(); }

  // The search operation on this session: the caller's reach checked, the door's bounds applied
  // (profile.h) and its limits on k, the call's cancel flag, and the breakers: an embedding
  // server or reranker that failed a moment ago is not waited on again (the search is a keyword
  // search that says why, or keeps its own order). "No such collection" is the searcher's error
  // (not_found).
  search::SearchResult search(search::SearchRequest request);
  // The same for an answer's retrieval (ask, chat, /v1), whose k its own rules bound.
  search::SearchResult retrieve(search::SearchRequest request);

  // The collection `name` as the caller may use it at `scope`: auth::refused_reach when it may
  // not, Error(usage) for a name no collection can have, store::NoCollection in the door's
  // words when there is none: a terminal's and a local agent's name the store and its
  // collections; a remote caller's name no path, and only collections it may read.
  store::CollectionInfo collection(auth::Scope scope, const std::string& name);
  // The same where "not there" is one answer: nullopt when the caller may not use it at `scope`,
  // no collection can have that name, or there is none (/v1's model_not_found). Throws only
  // what the store throws.
  std::optional<store::CollectionInfo> reachable(auth::Scope scope, const std::string& name);
  // The collections the caller may read.
  std::vector<store::CollectionInfo> collections();
  // A document's text (read reach; its collection must exist).
  ReadResult read(const ReadRequest& request);
  // A page of a collection's documents (read reach; the collection must exist).
  DocumentsPage documents(const DocumentsRequest& request);
  // Removes the document `source` from `collection` (write reach; the collection must exist):
  // what was removed (nothing when no document has that source).
  std::vector<store::DocumentSummary> remove(const std::string& collection, const std::string& source);

 private:
  [[noreturn]] void no_collection(const std::string& name);
  search::SearchResult search_within(search::SearchRequest request, const SearchLimits& limits);
  search::SearchResult search_within_breakers(search::SearchRequest& request, const SearchLimits& limits);

  std::string store_path_;
  store::OpenOptions open_;
  Access access_;
  const Profile* profile_;
  Reach reach_;
  Breakers* breakers_ = nullptr;
  const std::atomic<bool>* cancel_ = nullptr;
  std::optional<store::Store> store_;
  std::optional<search::Searcher> searcher_;
};

}  // namespace strata::service
