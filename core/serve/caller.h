#pragma once
// Who is calling: the API key a request was authenticated with, or no key at all (a server
// that runs without keys, on loopback only). Each route's operation receives it, so that what
// a key may reach (its scope, its collections) and the principal its asks are recorded under
// are decided per request, below the router, once for every door over HTTP.
#include <optional>
#include <string>
#include <string_view>

#include "auth/key.h"
#include "store/ask_store.h"

namespace strata::serve {

struct Caller {
  std::optional<auth::Key> key;                  // unset: a server without keys (loopback only)
  std::optional<store::AskPrincipal> principal;  // set with key: what its asks are recorded under

  // The key's name for the access log; "" without a key.
  std::string name() const { return key ? key->name : std::string(); }
  // Whether the caller may act at `scope` on `collection` ("" for what names none). Without a
  // key, everything: the server listens on loopback only.
  bool allows(auth::Scope scope, std::string_view collection) const {
    return !key || auth::allows(*key, scope, collection);
  }
};

// What an operation runs with: the worker thread's index (its store handle) and the caller.
struct Call {
  std::size_t worker = 0;
  const Caller& caller;
};

}  // namespace strata::serve
