#include "search/derived_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <filesystem>

namespace strata::search {

std::string key_strings(const store::VectorFingerprint& fingerprint, const store::EmbeddingModel& model) {
  std::string out;
  for (const std::string* s : {&fingerprint.store_id, &model.provider, &model.model}) {
    const auto n = static_cast<std::uint32_t>(s->size());
    out.append(reinterpret_cast<const char*>(&n), sizeof n);
    out += *s;
  }
  return out;
}

bool write_whole(int fd, const void* data, std::size_t n) {
  const auto* p = static_cast<const char*>(data);
  while (n > 0) {
    const ssize_t w = ::write(fd, p, std::min<std::size_t>(n, std::size_t{1} << 30));
    if (w < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    p += w;
    n -= static_cast<std::size_t>(w);
  }
  return true;
}

bool read_whole(int fd, void* data, std::size_t n, off_t at) {
  auto* p = static_cast<char*>(data);
  while (n > 0) {
    const ssize_t r = ::pread(fd, p, std::min<std::size_t>(n, std::size_t{1} << 30), at);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return false;
    p += r;
    n -= static_cast<std::size_t>(r);
    at += r;
  }
  return true;
}

int open_regular(const std::string& path, std::uint64_t& size) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
  if (fd < 0) return -1;
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return -1;
  }
  size = static_cast<std::uint64_t>(st.st_size);
  return fd;
}

int create_beside(const std::string& path, std::string& tmp) {
  tmp = path + ".tmp-XXXXXX";
  const int fd = ::mkstemp(tmp.data());
  if (fd < 0) {
    tmp.clear();
    return -1;
  }
  ::fchmod(fd, 0644);
  return fd;
}

void remove_abandoned_temporaries(const std::string& dir, const std::string& file_name) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const auto cutoff = fs::file_time_type::clock::now() - std::chrono::hours(1);
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (!name.starts_with(file_name + ".tmp-")) continue;
    std::error_code e;
    const auto when = fs::last_write_time(it->path(), e);
    if (!e && when < cutoff) fs::remove(it->path(), e);
  }
}

}  // namespace strata::search
