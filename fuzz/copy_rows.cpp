// Target: the rows `strata collections copy` reads from a source store, a store on a server
// among them (store/collection_copy.h, SourceRows): a collection's configuration and model size,
// a document's sizes, its chunks' byte, character, line and page ranges, ordinals and token
// counts (each a raw 64-bit integer, as a hostile server may send any bigint), their text,
// headings and configuration, and a vector. Input: a parameter byte (low 3 bits: 0 to 7 chunks;
// bit 3: a page count; bits 4-5: which JSON the texts hold), the document's size, characters,
// page count and the model's dimensions (4 × 8 bytes, little-endian), then per chunk 10 × 8 bytes
// (ordinal, start, end, char start, char end, line start, line end, page, page end, tokens), a
// byte (bit 0: no page, bit 1: no page end) and a length byte with that many bytes of text; the
// rest is the first chunk's vector.
// Checks: only Error(invalid_input) escapes, one line naming the store and the collection; a
// record accepted has its chunks' text at their bytes, a newline at every byte no chunk covers,
// no more text than the chunks' bytes and 64 MiB, the chunks' fields as read; a vector accepted
// is whole floats, as many as the model has.
#include <optional>
#include <string>
#include <vector>

#include "common/error.h"
#include "fuzz_util.h"
#include "store/collection_copy.h"

using namespace strata;

namespace {

std::int64_t int64_of(fuzz::Input& in) {
  const std::string_view b = in.take(8);
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < b.size(); ++i) v |= std::uint64_t{static_cast<unsigned char>(b[i])} << (8 * i);
  return static_cast<std::int64_t>(v);
}

void check_error(const Error& e) {
  FUZZ_CHECK(e.code() == ExitCode::invalid_input, e.what());
  const std::string m = e.what();
  FUZZ_CHECK(m.rfind("fuzz.db: collection 'c', ", 0) == 0, m);
}

const char* const k_json_texts[4][3] = {
    // metadata, headings, configuration
    {"{}", "[]", R"({"size":64})"},
    {R"({"k":"v"})", R"(["A","B"])", "{}"},
    {"[]", "{}", "[]"},
    {"not json", "[[[", ""},
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::Input in(data, size);
  const std::uint8_t params = in.byte();
  const std::size_t n = params & 7u;
  const auto* json = k_json_texts[(params >> 4) & 3u];
  const store::SourceRows rows("fuzz.db", "c");

  store::DocumentSummary d;
  d.source = "doc.md";
  d.metadata_json = json[0];
  d.size_bytes = int64_of(in);
  d.char_count = int64_of(in);
  const std::int64_t pages = int64_of(in);
  if ((params & 8u) != 0) d.page_count = pages;
  store::CollectionInfo k;
  k.name = "c";
  k.chunk_config = json[2];
  k.embedding_model = store::EmbeddingModel{"local", "m", int64_of(in)};

  std::vector<store::ChunkView> chunks(n);
  std::size_t held = 0;
  for (store::ChunkView& c : chunks) {
    c.ordinal = int64_of(in);
    c.start_byte = int64_of(in);
    c.end_byte = int64_of(in);
    c.char_start = int64_of(in);
    c.char_end = int64_of(in);
    c.line_start = int64_of(in);
    c.line_end = int64_of(in);
    c.page = int64_of(in);
    c.page_end = int64_of(in);
    c.tokens = int64_of(in);
    const std::uint8_t nulls = in.byte();
    if ((nulls & 1u) != 0) c.page.reset();
    if ((nulls & 2u) != 0) c.page_end.reset();
    c.text = std::string(in.take(in.byte()));
    c.headings_json = json[1];
    c.config_json = json[2];
    held += c.text.size();
  }

  bool collection_ok = true;
  try {
    rows.collection(k);
  } catch (const Error& e) {
    check_error(e);
    collection_ok = false;
  }
  const std::int64_t dims = k.embedding_model->dimensions;
  const bool config_is_object = json[2][0] == '{';
  FUZZ_CHECK(collection_ok == (config_is_object && dims >= 0 && dims <= store::k_max_vector_dimensions),
             "a model size or configuration taken or refused wrongly");

  try {
    const store::DocumentRecord r = rows.record(d, chunks);
    FUZZ_CHECK(r.text.size() <= held + (std::size_t{64} << 20), "more text made up than the bound");
    FUZZ_CHECK(r.chunks.size() == n, "a chunk lost");
    std::vector<bool> covered(r.text.size(), false);
    for (std::size_t i = 0; i < n; ++i) {
      const store::ChunkView& c = chunks[i];
      const store::ChunkRecord& w = r.chunks[i];
      FUZZ_CHECK(c.ordinal == static_cast<std::int64_t>(i), "an ordinal out of order taken");
      FUZZ_CHECK(w.start_byte == c.start_byte && w.end_byte == c.end_byte && w.line_start == c.line_start &&
                     w.line_end == c.line_end && w.char_start == c.char_start && w.char_end == c.char_end &&
                     w.page == c.page && w.page_end == c.page_end && w.tokens == c.tokens,
                 "a field changed");
      FUZZ_CHECK(c.start_byte >= 0 && c.end_byte >= c.start_byte && static_cast<std::size_t>(c.end_byte) <= r.text.size(),
                 "a range outside the text taken");
      FUZZ_CHECK(r.text.compare(static_cast<std::size_t>(c.start_byte), c.text.size(), c.text) == 0,
                 "a chunk's text not at its bytes");
      FUZZ_CHECK(c.line_start >= 1 && c.line_end >= c.line_start && c.char_end >= c.char_start, "a range backwards");
      for (std::size_t b = static_cast<std::size_t>(c.start_byte); b < static_cast<std::size_t>(c.end_byte); ++b) {
        covered[b] = true;
      }
    }
    for (std::size_t b = 0; b < r.text.size(); ++b) FUZZ_CHECK(covered[b] || r.text[b] == '\n', "a gap not a newline");
  } catch (const Error& e) {
    check_error(e);
  }

  const std::string_view vector = in.rest();
  try {
    rows.vector(d, 0, *k.embedding_model, vector);
    FUZZ_CHECK(!vector.empty() && vector.size() % 4 == 0, "a vector of no whole floats taken");
    FUZZ_CHECK(dims <= 0 || static_cast<std::int64_t>(vector.size() / 4) == dims, "a vector of another size taken");
  } catch (const Error& e) {
    check_error(e);
  }
  return 0;
}
