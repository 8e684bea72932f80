#pragma once
// Zip archives written by hand for the office loader tests: entries stored, deflated (as stored
// deflate blocks, or for a zip bomb as a run of zeros in fixed-Huffman codes), with the headers'
// sizes, CRC and flags under the test's control, so broken archives are as easy as good ones.
#include <zlib.h>

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace strata::testing {

// `data` compressed by zlib at its best: raw deflate (window_bits -15, as a zip entry of method 8
// holds it), or a gzip member (16 + MAX_WBITS). Empty when zlib fails.
inline std::string zlib_deflate(const std::string& data, int window_bits) {
  z_stream z{};
  if (deflateInit2(&z, Z_BEST_COMPRESSION, Z_DEFLATED, window_bits, 8, Z_DEFAULT_STRATEGY) != Z_OK) return {};
  std::string out(deflateBound(&z, static_cast<uLong>(data.size())) + 64, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  const int rc = deflate(&z, Z_FINISH);
  out.resize(rc == Z_STREAM_END ? z.total_out : 0);
  deflateEnd(&z);
  return out;
}

inline std::uint32_t crc32_of(const std::string& data) {
  std::uint32_t crc = 0xFFFFFFFFU;
  for (const char ch : data) {
    crc ^= static_cast<unsigned char>(ch);
    for (int k = 0; k < 8; ++k) crc = (crc >> 1) ^ (0xEDB88320U & (0U - (crc & 1U)));
  }
  return ~crc;
}

// Raw deflate of `data` as stored blocks: valid for any inflater, no compression.
inline std::string deflate_stored(const std::string& data) {
  std::string out;
  std::size_t at = 0;
  do {
    const std::size_t n = std::min<std::size_t>(65535, data.size() - at);
    const bool last = at + n == data.size();
    out += static_cast<char>(last ? 1 : 0);
    out += static_cast<char>(n & 0xFF);
    out += static_cast<char>(n >> 8);
    out += static_cast<char>(~n & 0xFF);
    out += static_cast<char>((~n >> 8) & 0xFF);
    out.append(data, at, n);
    at += n;
  } while (at < data.size());
  return out;
}

// Raw deflate of 1 + 258 * `runs` zero bytes: a literal 0, then `runs` copies of (length 258,
// distance 1), 13 bits each in the fixed Huffman code. 64 MiB inflate from about 400 KB.
inline std::string deflate_zeros(std::size_t runs) {
  std::string out;
  std::uint32_t bits = 0;
  int count = 0;
  const auto put = [&](std::uint32_t value, int n) {  // LSB first
    bits |= value << count;
    count += n;
    while (count >= 8) {
      out += static_cast<char>(bits & 0xFF);
      bits >>= 8;
      count -= 8;
    }
  };
  const auto put_code = [&](std::uint32_t code, int n) {  // Huffman codes go MSB first
    for (int i = n - 1; i >= 0; --i) put((code >> i) & 1U, 1);
  };
  put(1, 1);           // BFINAL
  put(1, 2);           // BTYPE 01: fixed Huffman
  put_code(0x30, 8);   // literal 0
  for (std::size_t i = 0; i < runs; ++i) {
    put_code(0xC5, 8);  // length code 285: 258 bytes
    put_code(0, 5);     // distance code 0: distance 1
  }
  put_code(0, 7);  // end of block (256)
  if (count > 0) out += static_cast<char>(bits & 0xFF);
  return out;
}

struct ZipEntry {
  ZipEntry(std::string entry_name, std::string content, bool deflated = false)
      : name(std::move(entry_name)), data(std::move(content)), deflate(deflated) {}

  std::string name;
  std::string data;                          // uncompressed
  bool deflate = false;                      // method 8 (stored deflate blocks) instead of 0
  std::optional<std::string> raw;            // compressed bytes to write instead (method 8)
  std::optional<std::uint32_t> claimed_size; // uncompressed size the headers claim
  std::optional<std::uint32_t> claimed_crc;
  bool encrypted = false;                    // general purpose flag bit 0
};

inline void put16(std::string& out, std::uint32_t v) {
  out += static_cast<char>(v & 0xFF);
  out += static_cast<char>((v >> 8) & 0xFF);
}
inline void put32(std::string& out, std::uint32_t v) {
  put16(out, v & 0xFFFF);
  put16(out, v >> 16);
}

inline std::string make_zip(const std::vector<ZipEntry>& entries) {
  std::string out, directory;
  for (const ZipEntry& e : entries) {
    const bool deflated = e.deflate || e.raw;
    const std::string body = e.raw ? *e.raw : e.deflate ? deflate_stored(e.data) : e.data;
    const auto crc = e.claimed_crc.value_or(crc32_of(e.data));
    const auto size = e.claimed_size.value_or(static_cast<std::uint32_t>(e.data.size()));
    const auto offset = static_cast<std::uint32_t>(out.size());
    const std::uint32_t flags = e.encrypted ? 1 : 0;
    std::string common;  // version needed .. name length, shared by both headers
    put16(common, 20);
    put16(common, flags);
    put16(common, deflated ? 8 : 0);
    put32(common, 0x00210000);  // 1980-01-01 00:00
    put32(common, crc);
    put32(common, static_cast<std::uint32_t>(body.size()));
    put32(common, size);
    put16(common, static_cast<std::uint32_t>(e.name.size()));
    put32(out, 0x04034b50);
    out += common;
    put16(out, 0);  // extra length
    out += e.name;
    out += body;
    put32(directory, 0x02014b50);
    put16(directory, 20);  // version made by
    directory += common;
    put16(directory, 0);  // extra
    put16(directory, 0);  // comment
    put16(directory, 0);  // disk
    put16(directory, 0);  // internal attributes
    put32(directory, 0);  // external attributes
    put32(directory, offset);
    directory += e.name;
  }
  const auto directory_offset = static_cast<std::uint32_t>(out.size());
  out += directory;
  put32(out, 0x06054b50);
  put16(out, 0);
  put16(out, 0);
  put16(out, static_cast<std::uint32_t>(entries.size()));
  put16(out, static_cast<std::uint32_t>(entries.size()));
  put32(out, static_cast<std::uint32_t>(directory.size()));
  put32(out, directory_offset);
  put16(out, 0);
  return out;
}

}  // namespace strata::testing
