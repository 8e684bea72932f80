#include "store/postgres/pg_objects_verdict.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <optional>
#include <string_view>

#include "common/atomic_file.h"
#include "common/error.h"
#include "common/sha256.h"
#include "strata/build_info.h"

namespace strata::store::pg {
namespace {

// What the file holds before the snapshot: a verdict of another format is none.
constexpr std::string_view k_verdict_header = "strata foreign-objects verdict 1\n";
// A snapshot past this (thousands of transactions running) is not kept: reading it back would
// cost more than it saves.
constexpr std::size_t k_max_snapshot = 4096;

// The running binary: its path, size and modification time, or nullopt when it cannot be named.
// A verdict is reused by the binary that reached it only.
std::optional<std::string> this_binary() {
  static const std::optional<std::string> named = []() -> std::optional<std::string> {
    std::string path(4096, '\0');
    const ssize_t n = ::readlink("/proc/self/exe", path.data(), path.size());
    if (n <= 0 || static_cast<std::size_t>(n) >= path.size()) return std::nullopt;
    path.resize(static_cast<std::size_t>(n));
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return std::nullopt;
    return path + '\0' + std::to_string(st.st_size) + '\0' + std::to_string(st.st_mtim.tv_sec) + '.' +
           std::to_string(st.st_mtim.tv_nsec) + '\0' + std::to_string(st.st_ino) + '\0' + k_version;
  }();
  return named;
}

}  // namespace

std::string objects_verdict_file(const std::string& cache_folder, const std::string& identity) {
  if (cache_folder.empty() || cache_folder[0] != '/') return {};
  const std::optional<std::string> binary = this_binary();
  if (!binary) return {};
  return cache_folder + "/strata/checked/" + sha256_hex(identity + '\0' + *binary);
}

bool objects_verdict_holds(const std::string& file, const std::string& snapshot) {
  if (file.empty() || snapshot.empty() || snapshot.size() > k_max_snapshot) return false;
  // Never through a link, never a device or a pipe that could hold the read.
  const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY);
  if (fd < 0) return false;
  struct stat st {};
  const std::size_t expected = k_verdict_header.size() + snapshot.size() + 1;
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || static_cast<std::size_t>(st.st_size) != expected) {
    ::close(fd);
    return false;
  }
  std::string bytes(expected, '\0');
  std::size_t got = 0;
  while (got < expected) {
    const ssize_t n = ::read(fd, bytes.data() + got, expected - got);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    got += static_cast<std::size_t>(n);
  }
  ::close(fd);
  return got == expected && bytes == std::string(k_verdict_header) + snapshot + '\n';
}

void keep_objects_verdict(const std::string& file, const std::string& snapshot) {
  if (file.empty() || snapshot.empty() || snapshot.size() > k_max_snapshot) return;
  const std::string folder = file.substr(0, file.rfind('/'));
  make_private_folders(folder);
  try {
    write_file_atomically(file, std::string(k_verdict_header) + snapshot + '\n', 0600, Durability::cache);
  } catch (const Error&) {
    // A cache folder that cannot be written: the next command checks again.
  }
}

}  // namespace strata::store::pg
