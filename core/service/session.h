#pragma once
// A caller's session with the store, as every door opens it: the one store handle (opened on
// first use, again after its server's connection was lost), its searcher, the caller's reach
// (which collections it may use, and at which scope) and the door's profile (its limits and
// deadlines: profile.h). A door opens one for its caller (a terminal, an agent over stdio, a
// serve worker for the requests it runs) and runs the operations on it; no door opens a store
// or makes a searcher of its own. Not thread-safe: one thread at a time (a serve worker's).
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "auth/key.h"
#include "search/searcher.h"
#include "service/profile.h"
#include "service/search.h"
#include "store/store.h"

namespace strata::service {

class Session {
 public:
  // How the store is opened: a door that writes (serve's ingest and remove) opens it as it is; one
  // that only reads (strata mcp) opens it read-only and never creates one.
  enum class Access { read_only, read_write };
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
  bool may(auth::Scope scope, std::string_view collection) const { return !reach_ || reach_(scope, collection); }
  // Throws auth::refused_reach (kind refused, the one wording) unless the caller may.
  void require(auth::Scope scope, std::string_view collection) const;

  // The search operation on this session: the caller's reach checked, the door's bounds applied
  // (profile.h) and its limits on k; "no such collection" is the searcher's error (not_found).
  search::SearchResult search(search::SearchRequest request);

 private:
  std::string store_path_;
  store::OpenOptions open_;
  Access access_;
  const Profile* profile_;
  Reach reach_;
  std::optional<store::Store> store_;
  std::optional<search::Searcher> searcher_;
};

}  // namespace strata::service
