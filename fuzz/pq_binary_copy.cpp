// Target: reading a server's COPY … TO STDOUT (FORMAT binary) stream (pq/binary_copy.h), as
// keyword search on a PostgreSQL store reads a term's blocks. The first byte chooses the fields a
// row must have (1 to 4) and the size of the pieces (1 to 63 bytes, or the whole stream at once);
// the rest is the stream. Checks: only strata::Error escapes; the rows (and whether the stream is
// accepted) are the same read whole and read in pieces; every row has the fields asked for, none
// longer than the stream; binary_int8 takes 8-byte fields and refuses the others.
#include "common/error.h"
#include "fuzz_util.h"
#include "pq/binary_copy.h"

#include <optional>
#include <string>
#include <vector>

using namespace strata;

namespace {

struct Read {
  std::vector<std::vector<std::optional<std::string>>> rows;
  bool accepted = false;
};

Read read_in_pieces(std::string_view stream, std::size_t fields, std::size_t piece) {
  Read out;
  try {
    pq::BinaryCopyReader reader(fields, "fuzz", [&](pq::BinaryCopyReader::Row row) {
      FUZZ_CHECK(row.size() == fields, "a row of another width");
      std::vector<std::optional<std::string>> r;
      for (const auto& f : row) {
        if (f) {
          FUZZ_CHECK(f->size() <= stream.size(), "a field longer than the stream");
          if (f->size() == 8) {
            (void)pq::binary_int8(*f, "fuzz");
          } else {
            bool refused = false;
            try {
              (void)pq::binary_int8(*f, "fuzz");
            } catch (const Error&) {
              refused = true;
            }
            FUZZ_CHECK(refused, "binary_int8 took a field of another size");
          }
          r.emplace_back(std::string(*f));
        } else {
          r.emplace_back(std::nullopt);
        }
      }
      out.rows.push_back(std::move(r));
    });
    for (std::size_t at = 0; at < stream.size(); at += piece) reader.feed(stream.substr(at, piece));
    reader.finish();
    out.accepted = true;
  } catch (const Error&) {
    out.accepted = false;
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::Input in(data, size);
  const std::uint8_t params = in.byte();
  const std::size_t fields = 1 + (params & 3u);
  const std::size_t piece = (params >> 2) == 0 ? 0 : (params >> 2);  // 0: whole
  const std::string_view stream = in.rest();
  const Read whole = read_in_pieces(stream, fields, stream.size() + 1);
  const Read cut = read_in_pieces(stream, fields, piece == 0 ? stream.size() + 1 : piece);
  FUZZ_CHECK(whole.accepted == cut.accepted, "accepted whole but not in pieces, or the other way");
  if (whole.accepted) FUZZ_CHECK(whole.rows == cut.rows, "other rows in pieces");
  return 0;
}
