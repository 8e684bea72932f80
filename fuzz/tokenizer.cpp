// Target: the BPE tokenizer, both encodings. encode() REQUIRES valid UTF-8, so invalid
// sequences are dropped first. Checks: decode(encode(x)) == x; count(x) == encode(x).size();
// token_ends() has one end per token, increasing, the last at x.size(), and each token decodes
// to exactly the bytes between consecutive ends. decode() of arbitrary ids (from the raw bytes)
// either returns or throws strata::Error(usage) for an unknown id.
#include <cstring>

#include "common/error.h"
#include "fuzz_util.h"
#include "tokenizer/tokenizer.h"

using namespace strata;
using namespace strata::tokenizer;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text = fuzz::valid_utf8(fuzz::as_text(data, size));
  for (Encoding e : {Encoding::cl100k_base, Encoding::o200k_base}) {
    const Tokenizer& tok = Tokenizer::get(e);
    const auto ids = tok.encode(text);
    FUZZ_CHECK(tok.decode(ids) == text, name_of(e));
    FUZZ_CHECK(tok.count(text) == ids.size(), name_of(e));
    const auto ends = tok.token_ends(text);
    FUZZ_CHECK(ends.size() == ids.size(), name_of(e));
    std::size_t prev = 0;
    for (std::size_t k = 0; k < ids.size(); ++k) {
      FUZZ_CHECK(ends[k] > prev, "token end not increasing");
      FUZZ_CHECK(tok.decode(std::span<const TokenId>(&ids[k], 1)) == text.substr(prev, ends[k] - prev),
                 "token bytes differ from its span");
      prev = ends[k];
    }
    FUZZ_CHECK(prev == text.size(), "token ends do not reach the end");
  }
  // Arbitrary ids.
  std::vector<TokenId> raw(size / 4);
  if (!raw.empty()) std::memcpy(raw.data(), data, raw.size() * 4);
  for (auto& id : raw) id %= 210000;  // mostly known ids, some unknown in each encoding
  for (Encoding e : {Encoding::cl100k_base, Encoding::o200k_base}) {
    try {
      (void)Tokenizer::get(e).decode(raw);
    } catch (const Error& err) {
      FUZZ_CHECK(err.code() == ExitCode::usage, err.what());
    }
  }
  return 0;
}
