#include "common/subprocess.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <system_error>

#include "common/text.h"

extern char** environ;  // NOLINT: POSIX declares it nowhere in a header

namespace strata::process {
namespace {

bool is_executable_file(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(path.c_str(), X_OK) == 0;
}

std::vector<char*> c_strings(const std::vector<std::string>& words) {
  std::vector<char*> out;
  out.reserve(words.size() + 1);
  for (const std::string& w : words) out.push_back(const_cast<char*>(w.c_str()));
  out.push_back(nullptr);
  return out;
}

}  // namespace

Fd& Fd::operator=(Fd&& o) noexcept {
  if (this != &o) {
    reset();
    fd_ = o.fd_;
    o.fd_ = -1;
  }
  return *this;
}

void Fd::reset() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

Pipe make_pipe() {
  std::array<int, 2> fds{};
  if (::pipe2(fds.data(), O_CLOEXEC) != 0) throw std::system_error(errno, std::generic_category(), "pipe");
  return {Fd(fds[0]), Fd(fds[1])};
}

std::optional<std::string> find_program(const std::string& name) {
  if (name.find('/') != std::string::npos) return is_executable_file(name) ? std::optional(name) : std::nullopt;
  const char* env = std::getenv("PATH");  // NOLINT: PATH is the exec machinery's, not a setting
  const std::string path = env != nullptr && *env != '\0' ? env : "/usr/local/bin:/usr/bin:/bin";
  for (const std::string& dir : split(path, ':')) {
    const std::string candidate = (dir.empty() ? "." : dir) + "/" + name;
    if (is_executable_file(candidate)) return candidate;
  }
  return std::nullopt;
}

std::string signal_name(int sig) {
  if (const char* abbrev = ::sigabbrev_np(sig)) return std::string("SIG") + abbrev;
  return std::to_string(sig);
}

Child::~Child() {
  if (!reaped_) {
    kill_group();
    wait();
  }
}

void Child::signal_group(int sig) const {
  if (reaped_) return;
  if (::kill(-pid_, sig) != 0) ::kill(pid_, sig);
}

void Child::kill_group() const { signal_group(SIGKILL); }

bool Child::exited() const {
  if (reaped_) return true;
  siginfo_t info{};
  return ::waitid(P_PID, static_cast<id_t>(pid_), &info, WEXITED | WNOHANG | WNOWAIT) == 0 && info.si_pid == pid_;
}

int Child::wait() {
  int status = 0;
  while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  reaped_ = true;
  return status;
}

std::unique_ptr<Child> spawn(const SpawnRequest& request) {
  std::vector<char*> argv = c_strings(request.argv);
  std::vector<char*> envp = request.environment ? c_strings(*request.environment) : std::vector<char*>{};
  char** const child_env = request.environment ? envp.data() : environ;
  const Fd devnull(::open("/dev/null", O_RDWR | O_CLOEXEC));
  const int in = request.stdin_fd >= 0 ? request.stdin_fd : devnull.get();
  const int out = request.stdout_fd >= 0 ? request.stdout_fd : devnull.get();
  const int err = request.stderr_fd >= 0 ? request.stderr_fd : devnull.get();
  Pipe status = make_pipe();
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) throw std::system_error(errno, std::generic_category(), "fork");
  if (pid == 0) {
    ::setpgid(0, 0);
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);  // strata killed meanwhile: the child goes too
    if (::getppid() != parent) ::_exit(127);
    // dup2 clears close-on-exec on the copies, which become the child's 0, 1 and 2.
    if (in >= 0) ::dup2(in, STDIN_FILENO);
    if (out >= 0) ::dup2(out, STDOUT_FILENO);
    if (err >= 0) ::dup2(err, STDERR_FILENO);
    struct sigaction default_action {};
    default_action.sa_handler = SIG_DFL;
    for (const int sig : {SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGQUIT}) ::sigaction(sig, &default_action, nullptr);
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    ::execve(request.program.c_str(), argv.data(), child_env);
    const int e = errno;
    [[maybe_unused]] const ssize_t n = ::write(status.write.get(), &e, sizeof e);
    ::_exit(127);
  }
  auto child = std::make_unique<Child>(pid);
  ::setpgid(pid, pid);  // also from here, so the group exists whichever runs first
  status.write.reset();
  int exec_errno = 0;
  ssize_t n = 0;
  while ((n = ::read(status.read.get(), &exec_errno, sizeof exec_errno)) < 0 && errno == EINTR) {
  }
  if (n == static_cast<ssize_t>(sizeof exec_errno)) throw std::system_error(exec_errno, std::generic_category(), "exec");
  return child;
}

}  // namespace strata::process
