#pragma once
// The cross-process migration lock: an exclusive flock() on the database file itself, taken
// before SQLite opens it and released after SQLite closed it. The kernel drops it when the
// process dies, so a `kill -9` never leaves a stale lock behind. flock and SQLite's own POSIX
// record locks do not interact on Linux.
#include <chrono>
#include <string>

namespace strata::migrate {

class MigrationLock {
 public:
  // Waits up to `timeout` for the lock; throws Error(unavailable) on timeout or when the file
  // cannot be opened for writing (a directory, read-only, missing parent). Creates the file
  // (empty, which SQLite treats as an empty database) when it does not exist.
  MigrationLock(const std::string& path, std::chrono::milliseconds timeout);
  ~MigrationLock();
  MigrationLock(const MigrationLock&) = delete;
  MigrationLock& operator=(const MigrationLock&) = delete;

  // True when the lock was not free at first and this process had to wait for it.
  bool waited() const { return waited_; }

 private:
  int fd_ = -1;
  bool waited_ = false;
};

}  // namespace strata::migrate
