// Target: OpenAI /v1/embeddings responses (core/embed/openai_wire). The first bytes pick the
// input count and expected dimensions; the rest is the body. Checks: a response without a
// problem has one finite vector per input, all of one size (the expected one when set); a
// problem comes with a message; error bodies become one safe line: no line break or control
// character, at most 300 bytes plus "…", valid UTF-8, and never the API key.
#include <cmath>

#include "embed/openai_wire.h"
#include "fuzz_util.h"

using namespace strata;
using namespace strata::embed;

namespace {

constexpr std::string_view kKey = "sk-fuzzcanary0123456789abcdef";

void check_line(const std::string& s, std::size_t limit) {
  FUZZ_CHECK(s.size() <= limit + 3, "line too long: " + std::to_string(s.size()));
  FUZZ_CHECK(fuzz::is_valid_utf8(s), "line not UTF-8");
  for (char ch : s) FUZZ_CHECK(static_cast<unsigned char>(ch) >= 0x20 && ch != 0x7f, "control character in a line");
  FUZZ_CHECK(s.find(kKey) == std::string::npos, "API key in a line");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::Input in(data, size);
  const std::size_t inputs = in.in_range(0, 8);
  const std::size_t dims = in.in_range(0, 4);
  const std::uint8_t inject_key = in.byte();
  std::string body(in.rest());
  if (inject_key & 1) body.insert(body.size() / 2, kKey);  // servers echo keys back

  const ParsedEmbeddings p = parse_embeddings_response(body, inputs, dims);
  if (p.problem == ResponseProblem::none) {
    FUZZ_CHECK(p.vectors.size() == inputs, "vector count");
    for (const auto& v : p.vectors) {
      FUZZ_CHECK(v.size() == p.vectors[0].size(), "ragged vectors accepted");
      if (dims != 0) FUZZ_CHECK(v.size() == dims, "dimensions not checked");
      for (float x : v) FUZZ_CHECK(std::isfinite(x), "non-finite value accepted");
    }
  } else {
    FUZZ_CHECK(!p.message.empty(), "problem without a message");
  }
  const ServerError e = parse_error_body(body, kKey);
  check_line(e.message, 300);
  check_line(safe_line(body, kKey, 40), 40);
  return 0;
}
