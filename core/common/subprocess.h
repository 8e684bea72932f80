#pragma once
// Child processes strata starts itself (external converters, MCP servers): file descriptors that
// close themselves, PATH lookup, and a child in a process group of its own that is killed and
// reaped however its owner leaves. POSIX (Linux) only.
#include <sys/types.h>

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace strata::process {

// Owns one file descriptor; closes it on destruction. Move-only.
class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() { reset(); }
  Fd(Fd&& o) noexcept : fd_(o.fd_) { o.fd_ = -1; }
  Fd& operator=(Fd&& o) noexcept;
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  // Gives the descriptor up without closing it (to close it by hand and see close()'s result).
  int release() { return std::exchange(fd_, -1); }
  void reset();

 private:
  int fd_ = -1;
};

struct Pipe {
  Fd read, write;
};

// A pipe whose both ends are close-on-exec, so that a child started by another thread at the same
// time does not inherit it and keep it open (its reader would then never see the end).
// Throws std::system_error.
Pipe make_pipe();

// What execvp would run for `name`: itself when it holds a '/', else the first executable regular
// file of that name on $PATH (default /usr/local/bin:/usr/bin:/bin). nullopt: none.
std::optional<std::string> find_program(const std::string& name);

// "SIGSEGV", or the number when the signal has no name.
std::string signal_name(int sig);

// A started child, the leader of its own process group. Destruction kills the group (SIGKILL)
// and reaps the child unless wait() already did: no zombie, no stray grandchild.
class Child {
 public:
  explicit Child(pid_t pid) : pid_(pid) {}
  ~Child();
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;

  pid_t pid() const { return pid_; }
  // Sends `sig` to the child's group (the child alone if the group is gone). Before the child is
  // reaped its pid cannot be reused, so this never reaches another process; after, it does nothing.
  void signal_group(int sig) const;
  void kill_group() const;
  // True once the child has exited; it is not reaped (the group can still be signalled).
  bool exited() const;
  // Reaps the child, waiting for it; returns its wait status. REQUIRES: not reaped yet.
  int wait();
  bool reaped() const { return reaped_; }

 private:
  pid_t pid_;
  bool reaped_ = false;
};

struct SpawnRequest {
  std::string program;                      // a path, e.g. find_program's answer
  std::vector<std::string> argv;            // argv[0] included
  std::optional<std::vector<std::string>> environment;  // "NAME=value"; nullopt: strata's own
  int stdin_fd = -1;                        // the child's ends; -1: /dev/null
  int stdout_fd = -1;
  int stderr_fd = -1;
};

// fork + exec with only async-signal-safe calls in between (the process has other threads). The
// child gets its own process group, default signal dispositions and an empty signal mask, and is
// killed (SIGKILL) should the thread that started it die first (PR_SET_PDEATHSIG: start children
// from a thread that outlives them). Throws std::system_error when fork or exec fails (the exec's
// errno is reported back through a close-on-exec pipe).
std::unique_ptr<Child> spawn(const SpawnRequest& request);

}  // namespace strata::process
