#include "serve/store_claim.h"

#include <cerrno>
#include <cstdint>
#include <fcntl.h>
#include <unistd.h>

#include "store/store.h"

namespace strata::serve {
namespace {

// The claim is an open-file-description lock (F_OFD_SETLK) on one byte far past anything SQLite
// locks (its lock bytes sit at 1 GiB): it conflicts with no lock of SQLite's and, unlike flock(2),
// with no migration lock (migrate/engines/sqlite/migration_lock.h locks the whole file with flock
// when the store's schema is upgraded, from this process too), and unlike a POSIX fcntl lock it is
// not dropped when SQLite closes another descriptor of the file.
constexpr off_t k_claim_byte = off_t{1} << 62;

}  // namespace

StoreClaim::StoreClaim(const std::string& path) {
  if (path.empty() || store::is_store_url(path)) return;
  fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd_ < 0) return;
  struct flock claim {};
  claim.l_type = F_RDLCK;  // a read-only descriptor takes a read lock; two readers conflict below
  claim.l_whence = SEEK_SET;
  claim.l_start = k_claim_byte;
  claim.l_len = 1;
  // Two read locks do not conflict: ask whether a write lock could be taken, which fails when
  // any other description holds one, then hold the read lock.
  struct flock probe = claim;
  probe.l_type = F_WRLCK;
  if (::fcntl(fd_, F_OFD_GETLK, &probe) == 0 && probe.l_type != F_UNLCK) held_elsewhere_ = true;
  if (::fcntl(fd_, F_OFD_SETLK, &claim) != 0) {
    ::close(fd_);
    fd_ = -1;
  }
}

StoreClaim::~StoreClaim() {
  if (fd_ >= 0) ::close(fd_);  // closing the description lets its lock go
}

}  // namespace strata::serve
