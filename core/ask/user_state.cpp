#include "ask/user_state.h"

#include <fcntl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <system_error>

#include "common/error.h"
#include "common/sha256.h"

namespace strata::ask {
namespace fs = std::filesystem;
namespace {

constexpr const char* k_key_file = "ask.key";
constexpr const char* k_logs_off_file = "logs-off";
constexpr std::size_t k_secret_hex = 64;  // 32 random bytes

[[noreturn]] void fail(const fs::path& path, const std::string& why, std::string hint = {}) {
  throw Error(ExitCode::unavailable, path.string() + ": " + why, std::move(hint));
}

void make_dir(const fs::path& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) fail(dir, "cannot create the folder: " + ec.message());
}

std::string random_hex() {
  std::array<unsigned char, k_secret_hex / 2> bytes{};
  std::size_t got = 0;
  while (got < bytes.size()) {
    const ssize_t n = ::getrandom(bytes.data() + got, bytes.size() - got, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw Error(ExitCode::unavailable, std::string("cannot read random bytes: ") + std::strerror(errno));
    got += static_cast<std::size_t>(n);
  }
  static constexpr char k_hex[] = "0123456789abcdef";
  std::string hex;
  for (const unsigned char b : bytes) {
    hex += k_hex[b >> 4];
    hex += k_hex[b & 0x0f];
  }
  return hex;
}

bool is_secret(const std::string& s) {
  if (s.size() != k_secret_hex) return false;
  for (const char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

// The key file's secret, or nullopt when there is no file. Never follows a link: the folder is
// the user's, and a link in it is not something strata made.
std::optional<std::string> read_secret(const fs::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return std::nullopt;
    fail(path, std::string("cannot read the key: ") + std::strerror(errno));
  }
  struct stat st {};
  const bool stat_ok = ::fstat(fd, &st) == 0;
  char buf[k_secret_hex + 2];
  const ssize_t n = stat_ok && S_ISREG(st.st_mode) ? ::read(fd, buf, sizeof buf) : -1;
  ::close(fd);
  if (!stat_ok || !S_ISREG(st.st_mode)) fail(path, "not a regular file", "remove it; strata makes a new key");
  if ((st.st_mode & 077) != 0 || st.st_uid != ::getuid()) {
    fail(path, "the key may be read by others (it must be yours, mode 0600)", "chmod 600 " + path.string());
  }
  std::string text(buf, n > 0 ? static_cast<std::size_t>(n) : 0);
  if (!text.empty() && text.back() == '\n') text.pop_back();
  if (!is_secret(text)) {
    fail(path, "not a strata key (64 hex digits)",
         "remove it; strata makes a new key (what it vouched for in stores is then no longer read back)");
  }
  return text;
}

// A new key, written under a temporary name and linked into place: two first runs at once agree
// on one key (the second link fails, and that one reads the first's).
std::string create_secret(const fs::path& dir, const fs::path& path) {
  make_dir(dir);
  ::chmod(dir.c_str(), 0700);
  const std::string secret = random_hex();
  const fs::path tmp = dir / (std::string(k_key_file) + ".tmp." + random_hex().substr(0, 12));
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) fail(tmp, std::string("cannot create the key: ") + std::strerror(errno));
  const std::string line = secret + "\n";
  const bool written = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size()) && ::fsync(fd) == 0;
  ::close(fd);
  if (!written) {
    ::unlink(tmp.c_str());
    fail(tmp, std::string("cannot write the key: ") + std::strerror(errno));
  }
  const int linked = ::link(tmp.c_str(), path.c_str());
  const int link_errno = errno;
  ::unlink(tmp.c_str());
  if (linked != 0 && link_errno != EEXIST) fail(path, std::string("cannot create the key: ") + std::strerror(link_errno));
  if (linked != 0) {
    if (std::optional<std::string> theirs = read_secret(path)) return *theirs;
    fail(path, "the key vanished while it was made");
  }
  return secret;
}

}  // namespace

fs::path user_state_dir(const std::function<std::optional<std::string>(const std::string&)>& getenv) {
  if (const auto state = getenv("XDG_STATE_HOME"); state && fs::path(*state).is_absolute()) {
    return fs::path(*state) / "strata";
  }
  if (const auto home = getenv("HOME"); home && !home->empty()) return fs::path(*home) / ".local" / "state" / "strata";
  return {};
}

store::AskPrincipal principal_of(std::string secret) {
  store::AskPrincipal p;
  p.id = "key:" + sha256_hex("strata ask key id\n" + secret).substr(0, 16);
  p.secret = std::move(secret);
  return p;
}

store::AskPrincipal ephemeral_principal() { return principal_of(random_hex()); }

store::AskPrincipal user_principal(const fs::path& dir) {
  if (dir.empty()) {
    usage("no folder for the user's key: neither $XDG_STATE_HOME nor $HOME is set",
          "set HOME (or XDG_STATE_HOME); strata keeps the key that vouches for your answers there");
  }
  const fs::path path = dir / k_key_file;
  std::optional<std::string> secret = read_secret(path);
  if (!secret) secret = create_secret(dir, path);
  return principal_of(std::move(*secret));
}

bool logs_off(const fs::path& dir) {
  if (dir.empty()) return false;
  std::error_code ec;
  return fs::exists(fs::symlink_status(dir / k_logs_off_file, ec));
}

void set_logs_off(const fs::path& dir, bool off) {
  if (dir.empty()) usage("no folder for the setting: neither $XDG_STATE_HOME nor $HOME is set");
  const fs::path path = dir / k_logs_off_file;
  std::error_code ec;
  if (!off) {
    fs::remove(path, ec);
    if (ec) fail(path, "cannot remove: " + ec.message());
    return;
  }
  make_dir(dir);
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0 && errno != EEXIST && errno != ELOOP) fail(path, std::string("cannot create: ") + std::strerror(errno));
  if (fd >= 0) ::close(fd);
}

}  // namespace strata::ask
