#pragma once
// What strata's files derived from a store (vector snapshots, saved approximate indexes) share:
// a checksum to notice a damaged or half-written file (not an adversary: a file that passes is
// still checked for what its reader relies on), whole writes, and the clean-up of temporary
// files a writer that died left behind.
#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>

#include "store/embedding_store.h"
#include "store/search_store.h"

namespace strata::search {

// A fast non-cryptographic 64-bit hash. Each add() of a length that is not a multiple of 8 mixes
// its tail on its own: the parts of a file are summed as they were added.
class FileChecksum {
 public:
  void add(const void* data, std::size_t n) {
    const auto* p = static_cast<const unsigned char*>(data);
    for (; n >= 8; p += 8, n -= 8) {
      std::uint64_t w;
      std::memcpy(&w, p, 8);
      mix(w);
    }
    if (n > 0) {
      std::uint64_t w = 0;
      std::memcpy(&w, p, n);
      mix(w ^ (std::uint64_t{n} << 56));
    }
  }
  std::uint64_t value() const { return h_ ^ (h_ >> 29); }

 private:
  void mix(std::uint64_t w) {
    h_ ^= w;
    h_ *= 0x9E3779B97F4A7C15ull;
    h_ ^= h_ >> 32;
  }
  std::uint64_t h_ = 0x6A09E667F3BCC908ull;
};

// The strings a derived file is made for: the store's id, the embedding provider and model,
// each as a u32 length and its bytes.
std::string key_strings(const store::VectorFingerprint& fingerprint, const store::EmbeddingModel& model);

// Writes all `n` bytes to `fd` (retrying short writes and EINTR).
bool write_whole(int fd, const void* data, std::size_t n);
// Reads exactly `n` bytes of `fd` from offset `at`; false at an error or the file's end.
bool read_whole(int fd, void* data, std::size_t n, off_t at);

// `path` opened for reading when it is a regular file (O_NONBLOCK: a FIFO planted in its place
// is refused at once, never waited on), with its size in `size`; -1 otherwise.
int open_regular(const std::string& path, std::uint64_t& size);
// A new file beside `path`, `<path>.tmp-XXXXXX`, created exclusively (never opened through a name
// someone planted), mode 0644; its name in `tmp` ("" and -1 when it cannot be made).
int create_beside(const std::string& path, std::string& tmp);

// Removes temporary files of `file_name` (`<file_name>.tmp-*`) left in `dir` by a writer that
// died more than an hour ago (a live writer's file is younger: it is renamed within seconds).
void remove_abandoned_temporaries(const std::string& dir, const std::string& file_name);

}  // namespace strata::search
