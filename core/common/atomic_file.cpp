#include "common/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string>

#include "common/error.h"

namespace strata {
namespace {

[[noreturn]] void cannot_write(const std::filesystem::path& path, int err) {
  throw Error(ExitCode::unavailable, path.string() + ": cannot write: " + std::strerror(err));
}

bool write_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

}  // namespace

void write_file_atomically(const std::filesystem::path& path, std::string_view bytes, unsigned new_mode,
                           Durability durability) {
  // lstat: the mode of the file replaced, never of what a link points to (a link is replaced).
  struct stat old {};
  const mode_t mode = ::lstat(path.c_str(), &old) == 0 && S_ISREG(old.st_mode) ? (old.st_mode & 07777) : static_cast<mode_t>(new_mode);
  // mkostemp opens with O_CREAT | O_EXCL under a name no one could have planted in advance:
  // a link or file already there makes it try another name, never open that one.
  const std::filesystem::path folder = path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
  std::string tmp = (folder / ("." + path.filename().string() + ".tmp-XXXXXX")).string();
  const int fd = ::mkostemp(tmp.data(), O_CLOEXEC);
  if (fd < 0) cannot_write(path, errno);
  const bool written = ::fchmod(fd, mode) == 0 && write_all(fd, bytes) &&
                       (durability == Durability::cache || ::fsync(fd) == 0);
  const int err = errno;
  const bool closed = ::close(fd) == 0;
  if (!written || !closed || ::rename(tmp.c_str(), path.c_str()) != 0) {
    const int why = !written ? err : errno;
    ::unlink(tmp.c_str());
    cannot_write(path, why);
  }
}

void make_private_folders(const std::string& dir) {
  for (std::size_t at = dir.find('/', 1);; at = dir.find('/', at + 1)) {
    const std::string part = at == std::string::npos ? dir : dir.substr(0, at);
    if (::mkdir(part.c_str(), 0700) != 0 && errno != EEXIST) return;
    if (at == std::string::npos) return;
  }
}

}  // namespace strata
