#include "migrate/engines/sqlite/migration_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>

#include "common/error.h"
#include "common/setting.h"

namespace strata::migrate {

MigrationLock::MigrationLock(const std::string& path, std::chrono::milliseconds timeout) {
  fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0) {
    const int err = errno;
    if (err == EISDIR) throw Error(ExitCode::unavailable, path + ": database path is a directory");
    if (err == EACCES || err == EROFS) {
      throw Error(ExitCode::unavailable, path + ": database is read-only (" + std::strerror(err) + ")");
    }
    throw Error(ExitCode::unavailable, path + ": cannot open database: " + std::strerror(err));
  }
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  auto pause = std::chrono::milliseconds(2);
  while (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    if (errno != EWOULDBLOCK && errno != EINTR) {
      const int err = errno;
      ::close(fd_);
      throw Error(ExitCode::unavailable, path + ": cannot lock database: " + std::strerror(err));
    }
    waited_ = true;
    if (std::chrono::steady_clock::now() >= deadline) {
      ::close(fd_);
      throw Error(ExitCode::unavailable,
                  path + ": another strata process holds the migration lock (waited " +
                      std::to_string(timeout.count() / 1000) + " s)",
                  "raise " + mention(Setting::lock_timeout) + ", or find the other process (fuser " + path + ")");
    }
    std::this_thread::sleep_for(pause);
    if (pause < std::chrono::milliseconds(50)) pause *= 2;
  }
}

MigrationLock::~MigrationLock() {
  if (fd_ >= 0) ::close(fd_);  // closing the descriptor releases the flock
}

}  // namespace strata::migrate
