#include "store/store.h"

#include "store/backend.h"

namespace strata::store {

struct Store::Impl {
  StoreKind kind;
  std::unique_ptr<Backend> backend;
  std::string path;
  std::int64_t version = 0;
  std::chrono::milliseconds busy{k_default_busy_timeout};
};

Store::Store(StoreKind kind, std::unique_ptr<Backend> backend, std::string path, std::int64_t version,
             std::chrono::milliseconds busy)
    : impl_(std::make_unique<Impl>(Impl{kind, std::move(backend), std::move(path), version, busy})) {}
Store::~Store() = default;
Store::Store(Store&&) noexcept = default;
Store& Store::operator=(Store&&) noexcept = default;

StoreKind Store::kind() const { return impl_->kind; }
const std::string& Store::path() const { return impl_->path; }
std::int64_t Store::schema_version() const { return impl_->version; }
std::chrono::milliseconds Store::busy_timeout() const { return impl_->busy; }
bool Store::connected() const { return impl_->backend->connected(); }
Backend& Store::backend() { return *impl_->backend; }

}  // namespace strata::store
