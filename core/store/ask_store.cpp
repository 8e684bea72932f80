// ask_store.h: who may ask (the principal's key), then the store's backend's asks (backend.h,
// AsksBackend).
#include "store/ask_store.h"

#include "common/error.h"
#include "store/backend.h"

namespace strata::store {

const char* to_string(CallStatus status) {
  switch (status) {
    case CallStatus::ok:
      return "ok";
    case CallStatus::partial:
      return "partial";
    case CallStatus::error:
      return "error";
  }
  return "ok";
}

AskStore::AskStore(Store& store, AskPrincipal principal) : principal_(std::move(principal)) {
  if (principal_.secret.empty() || principal_.id.empty()) {
    throw Error(ExitCode::unavailable, "no user key to vouch for the store's answers");
  }
  impl_ = store.backend().asks(store, principal_);
}

AskStore::~AskStore() = default;

AskStore::Access AskStore::access() {
  if (!access_) access_ = impl_->access();
  return *access_;
}

std::optional<std::int64_t> AskStore::last_conversation() { return impl_->last_conversation(); }
std::optional<Conversation> AskStore::conversation(std::int64_t id) { return impl_->conversation(id); }
std::optional<CachedAnswer> AskStore::cached_answer(const std::string& key) { return impl_->cached_answer(key); }
AskStore::Written AskStore::write(const AskRecord& record) { return impl_->write(record); }
std::vector<LlmCall> AskStore::calls(std::size_t limit, std::optional<std::int64_t> conversation) {
  return impl_->calls(limit, conversation);
}
std::optional<LlmCall> AskStore::call(std::int64_t id) { return impl_->call(id); }

}  // namespace strata::store
