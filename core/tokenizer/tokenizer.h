#pragma once
// Byte-pair encoding identical to OpenAI's tiktoken for cl100k_base and o200k_base. The rank
// tables are compiled into the binary; nothing is read or downloaded at run time.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace strata::tokenizer {

enum class Encoding { cl100k_base, o200k_base };

// "cl100k_base" / "o200k_base"; nullopt for anything else.
std::optional<Encoding> encoding_from_name(std::string_view name);
const char* name_of(Encoding e);

using TokenId = std::uint32_t;

class Tokenizer {
 public:
  // The tokenizer for `e`, built on first use from the embedded table and shared after that.
  // Thread-safe.
  static const Tokenizer& get(Encoding e);

  // Ordinary encoding: special-token text such as "<|endoftext|>" is encoded as plain text,
  // as tiktoken's encode_ordinary does. REQUIRES: `text` is valid UTF-8.
  std::vector<TokenId> encode(std::string_view text) const;

  // encode(text).size(), without building the id vector.
  std::size_t count(std::string_view text) const;

  // Byte offset in `text` where each token ends, in order (the last equals text.size()). A
  // token may end inside a UTF-8 character (byte-level BPE); callers that cut text must snap.
  std::vector<std::size_t> token_ends(std::string_view text) const;

  // The bytes of the ids, concatenated (may be invalid UTF-8 if the ids cut a character).
  // Throws strata::Error(usage) naming the first unknown id.
  std::string decode(std::span<const TokenId> ids) const;

  Encoding encoding() const;

  ~Tokenizer();
  Tokenizer(const Tokenizer&) = delete;
  Tokenizer& operator=(const Tokenizer&) = delete;

 private:
  struct Impl;
  explicit Tokenizer(Encoding e);
  Impl* impl_;
};

}  // namespace strata::tokenizer
