#pragma once
// The rows of COPY … TO STDOUT (FORMAT binary), read from the pieces Connection::copy_out hands
// over: the signature and header, then per row a 16-bit field count and each field as a 32-bit
// length (-1: NULL) and its bytes in the type's binary format, then a count of -1. The server
// sends a row per piece, so rows are read in place; a row split across pieces is put together.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace strata::pq {

class BinaryCopyReader {
 public:
  // A row's fields; nullopt for NULL. The views live until on_row returns.
  using Row = std::span<const std::optional<std::string_view>>;

  // `fields`: the columns each row must have; `what` names the statement in errors.
  BinaryCopyReader(std::size_t fields, std::string what, std::function<void(Row)> on_row);

  // The next piece of the stream. Throws Error(unavailable) naming `what` for bytes that are not
  // such a stream (another signature, a row of another width, data after the end).
  void feed(std::string_view piece);
  // Throws Error(unavailable) unless the stream ended (its trailer was read) with a whole row.
  void finish() const;

 private:
  std::size_t parse(std::string_view bytes);  // bytes used; stops at a row cut short
  [[noreturn]] void malformed(const std::string& why) const;

  std::size_t fields_;
  std::string what_;
  std::function<void(Row)> on_row_;
  std::string pending_;  // a piece's tail that is not yet a whole row
  bool header_read_ = false;
  bool ended_ = false;
  std::vector<std::optional<std::string_view>> row_;
};

// A binary int8 field (8 bytes, big-endian).
std::int64_t binary_int8(std::string_view field, std::string_view what);

}  // namespace strata::pq
