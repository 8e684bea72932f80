#include "pq/binary_copy.h"

#include <utility>

#include "common/error.h"
#include "pq/binary_array.h"

namespace strata::pq {
namespace {

constexpr std::string_view k_copy_signature{"PGCOPY\n\377\r\n\0", 11};

}  // namespace

BinaryCopyReader::BinaryCopyReader(std::size_t fields, std::string what, std::function<void(Row)> on_row)
    : fields_(fields), what_(std::move(what)), on_row_(std::move(on_row)), row_(fields) {}

void BinaryCopyReader::malformed(const std::string& why) const {
  throw Error(ExitCode::unavailable, what_ + ": the server's binary COPY data " + why);
}

void BinaryCopyReader::feed(std::string_view piece) {
  if (pending_.empty()) {
    const std::size_t used = parse(piece);
    pending_.assign(piece.substr(used));
    return;
  }
  pending_.append(piece);
  const std::size_t used = parse(pending_);
  pending_.erase(0, used);
}

void BinaryCopyReader::finish() const {
  if (!ended_ || !pending_.empty()) malformed("ends before its trailer");
}

std::size_t BinaryCopyReader::parse(std::string_view bytes) {
  std::size_t at = 0;
  if (!header_read_) {
    // The signature, 32 bits of flags and the length of a header extension, then the extension.
    if (bytes.size() < k_copy_signature.size() + 8) return 0;
    if (bytes.substr(0, k_copy_signature.size()) != k_copy_signature) malformed("has another signature");
    const std::uint64_t extension = big_endian(bytes.data() + k_copy_signature.size() + 4, 4);
    if (extension > (1u << 20)) malformed("has a header extension of " + std::to_string(extension) + " bytes");
    const std::size_t header = k_copy_signature.size() + 8 + static_cast<std::size_t>(extension);
    if (bytes.size() < header) return 0;
    at = header;
    header_read_ = true;
  }
  while (at < bytes.size()) {
    if (ended_) malformed("goes on after its trailer");
    if (bytes.size() - at < 2) return at;
    const auto count = static_cast<std::int16_t>(big_endian(bytes.data() + at, 2));
    if (count == -1) {
      ended_ = true;
      at += 2;
      continue;
    }
    if (count < 0 || static_cast<std::size_t>(count) != fields_) {
      malformed("has a row of " + std::to_string(count) + " fields, not " + std::to_string(fields_));
    }
    std::size_t p = at + 2;
    for (std::size_t f = 0; f < fields_; ++f) {
      if (bytes.size() - p < 4) return at;
      const auto length = static_cast<std::int32_t>(big_endian(bytes.data() + p, 4));
      p += 4;
      if (length == -1) {
        row_[f] = std::nullopt;
        continue;
      }
      if (length < 0) malformed("has a field of length " + std::to_string(length));
      if (bytes.size() - p < static_cast<std::size_t>(length)) return at;
      row_[f] = bytes.substr(p, static_cast<std::size_t>(length));
      p += static_cast<std::size_t>(length);
    }
    on_row_(Row(row_));
    at = p;
  }
  return at;
}

std::int64_t binary_int8(std::string_view field, std::string_view what) {
  if (field.size() != 8) {
    throw Error(ExitCode::unavailable, std::string(what) + ": a bigint of " + std::to_string(field.size()) + " bytes");
  }
  return static_cast<std::int64_t>(big_endian(field.data(), 8));
}

}  // namespace strata::pq
