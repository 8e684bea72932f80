#pragma once
// A session serves one caller's call for as long as this lives: the caller's reach (its key's
// scopes and collections; no key, everything) and the call's cancel flag; then what it had
// before. Every door over HTTP sets it once per request on the worker's session (strata serve's
// routes, MCP over HTTP), so that every operation below checks the same reach in one wording.
#include <atomic>

#include "service/caller.h"
#include "service/session.h"

namespace strata::service {

class CallScope {
 public:
  CallScope(Session& session, const Caller& caller, const std::atomic<bool>* cancel = nullptr)
      : session_(session), reach_(session.reach()), cancel_(session.cancel()) {
    session_.set_reach(caller.key ? Session::Reach([&caller](auth::Scope scope, std::string_view c) { return caller.allows(scope, c); })
                                  : Session::Reach());
    if (cancel != nullptr) session_.set_cancel(cancel);
  }
  ~CallScope() {
    session_.set_reach(std::move(reach_));
    session_.set_cancel(cancel_);
  }
  CallScope(const CallScope&) = delete;
  CallScope& operator=(const CallScope&) = delete;

 private:
  Session& session_;
  Session::Reach reach_;
  const std::atomic<bool>* cancel_;
};

}  // namespace strata::service
