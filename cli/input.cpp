#include "input.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>
#include <vector>

#include "common/public.h"

namespace strata::cli {
namespace {

constexpr std::size_t k_binary_probe = 8192;

[[noreturn]] void unreadable(const std::string& name, int err) {
  throw Error(ExitCode::invalid_input, input_label(name) + ": cannot read: " + std::strerror(err));
}

// The whole of `fd`, read once. A regular file is read into a buffer of its exact size. A pipe
// is read in blocks that are then moved into one buffer of the exact size, each block freed as
// soon as it is copied: the peak is the input plus one block, not the 2-3x of a doubling buffer.
// With a `purpose`, the first k_binary_probe bytes are read alone and checked before the rest.
std::string read_fd(int fd, const std::string& name, std::string_view purpose = {}) {
  struct stat st {};
  if (::fstat(fd, &st) != 0) unreadable(name, errno);
  if (S_ISDIR(st.st_mode)) throw Error(ExitCode::invalid_input, input_label(name) + ": is a directory");
  const auto read_some = [&](char* into, std::size_t room) -> std::size_t {
    for (;;) {
      const ssize_t n = ::read(fd, into, room);
      if (n >= 0) return static_cast<std::size_t>(n);
      if (errno != EINTR) unreadable(name, errno);
    }
  };
  std::string data;
  std::size_t used = 0;
  if (!purpose.empty()) {
    data.resize(k_binary_probe);
    while (used < data.size()) {
      const std::size_t n = read_some(data.data() + used, data.size() - used);
      if (n == 0) break;
      used += n;
    }
    data.resize(used);
    require_not_binary(name, data, purpose);
    if (used < k_binary_probe) return data;  // the whole input
  }
  if (S_ISREG(st.st_mode) && st.st_size > 0 && static_cast<std::size_t>(st.st_size) > used) {
    data.resize(static_cast<std::size_t>(st.st_size));
    while (used < data.size()) {
      const std::size_t n = read_some(data.data() + used, data.size() - used);
      if (n == 0) break;  // the file shrank while being read
      used += n;
    }
    data.resize(used);
    if (used < static_cast<std::size_t>(st.st_size)) return data;
  }
  // A pipe, a terminal, or a regular file that grew while being read.
  constexpr std::size_t k_block = std::size_t{4} << 20;
  std::vector<std::unique_ptr<char[]>> blocks;
  std::size_t total = 0, in_last = k_block;
  for (;;) {
    if (in_last == k_block) {
      blocks.push_back(std::make_unique_for_overwrite<char[]>(k_block));
      in_last = 0;
    }
    const std::size_t n = read_some(blocks.back().get() + in_last, k_block - in_last);
    if (n == 0) break;
    in_last += n;
    total += n;
  }
  data.reserve(data.size() + total);
  for (std::size_t b = 0; b < blocks.size(); ++b) {
    data.append(blocks[b].get(), b + 1 == blocks.size() ? in_last : k_block);
    blocks[b].reset();
  }
  return data;
}

}  // namespace

std::string input_label(const std::string& name) { return name == "-" ? "standard input" : name; }

std::string read_input(const std::string& name) { return read_text_input(name, {}); }

std::string read_text_input(const std::string& name, std::string_view purpose) {
  if (name == "-") return read_fd(STDIN_FILENO, name, purpose);
  const int fd = ::open(name.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    const int err = errno;
    if (err == ENOENT) throw Error(ExitCode::invalid_input, name + ": no such file");
    unreadable(name, err);
  }
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  return read_fd(fd, name, purpose);
}

void require_not_binary(const std::string& name, std::string_view data, std::string_view purpose) {
  if (const void* nul = std::memchr(data.data(), 0, std::min(data.size(), k_binary_probe))) {
    const auto at = static_cast<std::size_t>(static_cast<const char*>(nul) - data.data());
    throw Error(ExitCode::invalid_input, input_label(name) + ": binary file (NUL byte at byte offset " +
                                             std::to_string(at) + "); " + std::string(purpose));
  }
}

Error invalid_utf8(const std::string& name, std::string_view data, std::size_t offset, std::string hint) {
  const TextPosition pos = position_of(data, offset);
  return Error(ExitCode::invalid_input,
               input_label(name) + ": not valid UTF-8 at byte offset " + std::to_string(offset) + " (line " +
                   std::to_string(pos.line) + ", column " + std::to_string(pos.column) + ")",
               std::move(hint));
}

}  // namespace strata::cli
