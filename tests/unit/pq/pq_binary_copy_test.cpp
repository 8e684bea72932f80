// Reading COPY … TO STDOUT (FORMAT binary) (pq/binary_copy.h): rows read whole from each piece or
// put together across pieces cut anywhere, NULL fields, 8-byte integers, and the streams the
// reader refuses (another signature, another field count, data after the trailer, a cut end).
#include "pq/binary_copy.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/error.h"

namespace strata {
namespace {

void copy_put_be(std::string& out, std::uint64_t v, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}

std::string copy_header(std::uint32_t extension = 0) {
  std::string out("PGCOPY\n\377\r\n\0", 11);
  copy_put_be(out, 0, 4);
  copy_put_be(out, extension, 4);
  out.append(extension, 'e');
  return out;
}

// A row of fields (nullopt: NULL).
std::string copy_row(const std::vector<std::optional<std::string>>& fields) {
  std::string out;
  copy_put_be(out, fields.size(), 2);
  for (const auto& f : fields) {
    if (!f) {
      copy_put_be(out, 0xFFFFFFFFu, 4);
      continue;
    }
    copy_put_be(out, f->size(), 4);
    out += *f;
  }
  return out;
}

std::string copy_trailer() {
  std::string out;
  copy_put_be(out, 0xFFFF, 2);
  return out;
}

std::string int8_field(std::int64_t v) {
  std::string out;
  copy_put_be(out, static_cast<std::uint64_t>(v), 8);
  return out;
}

// The rows of `stream` fed in pieces of `piece` bytes, each as "field|field|…" ("-" for NULL).
std::vector<std::string> read_rows(const std::string& stream, std::size_t piece, std::size_t fields = 3) {
  std::vector<std::string> rows;
  pq::BinaryCopyReader reader(fields, "test", [&](pq::BinaryCopyReader::Row row) {
    std::string r;
    for (std::size_t i = 0; i < row.size(); ++i) r += (i == 0 ? "" : "|") + (row[i] ? std::string(*row[i]) : std::string("-"));
    rows.push_back(r);
  });
  for (std::size_t at = 0; at < stream.size(); at += piece) reader.feed(std::string_view(stream).substr(at, piece));
  reader.finish();
  return rows;
}

TEST(PqBinaryCopy, RowsReadTheSameWhereverThePiecesAreCut) {
  const std::string stream = copy_header(3) + copy_row({"a", std::nullopt, "xyz"}) + copy_row({"", "b", "c"}) +
                             copy_row({std::string(300, 'p'), "q", std::nullopt}) + copy_trailer();
  const std::vector<std::string> want = {"a|-|xyz", "|b|c", std::string(300, 'p') + "|q|-"};
  for (std::size_t piece = 1; piece <= stream.size(); ++piece) EXPECT_EQ(read_rows(stream, piece), want) << piece;
}

TEST(PqBinaryCopy, AnEmptyResultIsItsHeaderAndTrailer) {
  EXPECT_TRUE(read_rows(copy_header() + copy_trailer(), 4).empty());
}

TEST(PqBinaryCopy, ReadsEightByteIntegers) {
  EXPECT_EQ(pq::binary_int8(int8_field(1), "t"), 1);
  EXPECT_EQ(pq::binary_int8(int8_field(-2), "t"), -2);
  EXPECT_EQ(pq::binary_int8(int8_field(5'000'000'000), "t"), 5'000'000'000);
  EXPECT_THROW(pq::binary_int8("1234", "t"), Error);
}

TEST(PqBinaryCopy, RefusesWhatIsNotSuchAStream) {
  const auto fails = [](const std::string& stream, const std::string& says) {
    try {
      read_rows(stream, stream.size() + 1);
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find(says), std::string::npos) << e.what();
      return;
    }
    ADD_FAILURE() << "accepted: " << says;
  };
  std::string other = copy_header();
  other[0] = 'X';
  fails(other + copy_trailer(), "another signature");
  fails(copy_header() + copy_row({"a", "b"}) + copy_trailer(), "a row of 2 fields, not 3");
  fails(copy_header() + copy_trailer() + copy_row({"a", "b", "c"}), "after its trailer");
  fails(copy_header() + copy_row({"a", "b", "c"}), "ends before its trailer");
  fails(copy_header() + copy_row({"a", "b", "c"}).substr(0, 9), "ends before its trailer");
  std::string negative = copy_header();
  copy_put_be(negative, 3, 2);
  copy_put_be(negative, 0xFFFFFFFEu, 4);
  fails(negative, "a field of length -2");
}

}  // namespace
}  // namespace strata
