// Inflation with zlib's streaming API rather than uncompress() or gzread(): the output grows in
// steps checked against the caps, so a bomb is stopped after at most one step past them, and
// concatenated members (gzip a b > c) are read the way gzip reads them.
#include "ingest/gzip.h"

#include <zlib.h>

#include <algorithm>
#include <climits>

#include "common/error.h"
#include "common/text.h"

namespace strata::ingest {
// A namespace of this file's own: unity builds put files together (scripts/check-unity.sh).
namespace inflating {
namespace {

constexpr std::size_t k_step = 256 * 1024;

std::string mib(std::size_t bytes) { return std::to_string(bytes >> 20) + " MiB"; }

std::string kib(std::size_t bytes) { return std::to_string((bytes + 1023) / 1024) + " KiB"; }

[[noreturn]] void refuse(const std::string& why) { throw Error(ExitCode::invalid_input, why); }

// Owns a z_stream set up for gzip members (windowBits 16 + 15).
class Inflater {
 public:
  Inflater() {
    if (inflateInit2(&stream_, 16 + MAX_WBITS) != Z_OK) refuse("cannot start zlib: out of memory");
  }
  ~Inflater() { inflateEnd(&stream_); }
  Inflater(const Inflater&) = delete;
  Inflater& operator=(const Inflater&) = delete;
  z_stream& get() { return stream_; }

 private:
  z_stream stream_{};
};

}  // namespace
}  // namespace inflating

bool is_gzip(std::string_view bytes) { return bytes.size() >= 3 && bytes.substr(0, 3) == "\x1F\x8B\x08"; }

std::string_view without_gz(std::string_view name) {
  if (name.size() <= 3 || to_lower(name.substr(name.size() - 3)) != ".gz") return {};
  return name.substr(0, name.size() - 3);
}

std::string gunzip(std::string_view bytes, const GzipLimits& limits) {
  // The ratio cap as a byte count: above the floor, at most max_ratio bytes per input byte.
  const std::size_t by_ratio = std::max(limits.ratio_floor, bytes.size() * limits.max_ratio);
  const std::size_t cap = std::min(limits.max_bytes, by_ratio);
  inflating::Inflater inflater;
  z_stream& z = inflater.get();
  // zlib counts in uInt: feed it at most UINT_MAX bytes at a time.
  std::string_view input = bytes;
  std::string out;
  int status = Z_OK;
  for (;;) {
    if (z.avail_in == 0 && !input.empty()) {
      const std::size_t n = std::min<std::size_t>(input.size(), UINT_MAX);
      z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(input.data()));
      z.avail_in = static_cast<uInt>(n);
      input.remove_prefix(n);
    }
    const std::size_t had = out.size();
    // One step past the cap is allowed into the buffer, so that reaching it exactly is no error.
    const std::size_t step = std::min(inflating::k_step, cap + 1 - had);
    out.resize(had + step);
    z.next_out = reinterpret_cast<Bytef*>(out.data() + had);
    z.avail_out = static_cast<uInt>(step);
    status = inflate(&z, Z_NO_FLUSH);
    out.resize(had + (step - z.avail_out));
    if (out.size() > cap) {
      if (cap == limits.max_bytes) inflating::refuse("gzip data expands past " + inflating::mib(limits.max_bytes) + " (a gzip bomb?)");
      inflating::refuse("gzip data expands more than " + std::to_string(limits.max_ratio) + " times (" + inflating::kib(bytes.size()) +
             " to over " + inflating::kib(cap) + "; a gzip bomb?)");
    }
    if (status == Z_STREAM_END) {
      // Another member follows when the rest starts as gzip data; anything else is ignored.
      const std::string_view rest(reinterpret_cast<const char*>(z.next_in), z.avail_in);
      const std::string_view remaining = rest.empty() ? input : rest;
      if (!is_gzip(remaining)) break;
      if (inflateReset(&z) != Z_OK) inflating::refuse("not readable gzip data: cannot reset zlib");
      continue;
    }
    if (status == Z_NEED_DICT || status == Z_DATA_ERROR) {
      inflating::refuse("not readable gzip data: " + std::string(z.msg != nullptr ? z.msg : "corrupt data"));
    }
    if (status == Z_MEM_ERROR) inflating::refuse("not readable gzip data: out of memory");
    if (status == Z_BUF_ERROR && z.avail_in == 0 && input.empty()) {
      inflating::refuse("truncated gzip data (it ends inside its compressed stream)");
    }
  }
  return out;
}

}  // namespace strata::ingest
