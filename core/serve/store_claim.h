#pragma once
// A SQLite store is served by one process. Its server's shared state (rate limits, MCP sessions,
// answers being written, crawls running) lives in that process's memory, so a second `strata
// serve` on the same file works but shares none of it: a key limited to 6 requests a minute gets
// 6 from each. Replicas belong on a PostgreSQL store. The first server holds a claim on the file
// (a lock on one byte past those SQLite locks, serve/store_claim.cpp); a second finds it held and
// says so at start. The claim goes with the process, however it ends.
#include <string>

namespace strata::serve {

class StoreClaim {
 public:
  // Claims the SQLite store at `path` for this process. No claim is needed (none taken) for a
  // store URL, and none can be taken on a file that does not exist yet.
  explicit StoreClaim(const std::string& path);
  ~StoreClaim();
  StoreClaim(const StoreClaim&) = delete;
  StoreClaim& operator=(const StoreClaim&) = delete;

  // Another process (a second `strata serve`) holds the store's claim.
  bool held_elsewhere() const { return held_elsewhere_; }

 private:
  int fd_ = -1;
  bool held_elsewhere_ = false;
};

}  // namespace strata::serve
