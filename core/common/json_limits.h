#pragma once
// The one way strata parses JSON it did not write: MCP messages (either side), a model server's
// responses, stream events and tool-call arguments, embedding and rerank answers, JSONL input,
// baseline files and JSON read back from a store. The text is measured before nlohmann sees it:
// larger than `max_bytes`, or arrays and objects nested deeper than `max_depth`, and it is
// refused without being parsed.
//
// Why depth matters although nlohmann 3.11's parser is iterative (and so is its destructor):
// copying a value, dump(), operator== and strata's own walkers recurse once per level, so a
// 60,000-deep array parsed fine and then overflowed the stack in the first copy
// (`params.value("arguments", …)`). A value that passed here copies, prints and compares within
// a few hundred frames.
#include <cstddef>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace strata {

// Default depth: far beyond what any protocol message, schema or record needs (MCP tool schemas
// nest a few tens of levels at most), far below what overflows a stack.
inline constexpr std::size_t k_json_max_depth = 128;

struct JsonLimits {
  std::size_t max_depth = k_json_max_depth;        // arrays and objects; the outermost is level 1
  std::size_t max_bytes = std::size_t{16} << 20;  // Default: 16 MiB
};

// Why `text` is refused before parsing: "larger than 4194304 bytes" or "nested deeper than 128
// levels"; nullopt when it is within the limits. Brackets inside strings do not count. For
// valid JSON the depth is exact; for text that is not JSON it may count brackets a parser would
// have stopped before, which refuses nothing that would have parsed. One pass, no allocation.
std::optional<std::string> json_beyond_limits(std::string_view text, const JsonLimits& limits);

struct ParsedJson {
  nlohmann::json value;  // discarded unless ok()
  enum class Problem { none, too_large, too_deep, invalid } problem = Problem::none;
  // What is wrong, for a message: "nested deeper than 128 levels", "not valid JSON: syntax
  // error while parsing value - unexpected end of input; expected '[', '{', or a literal (at
  // byte 9)". Empty when ok().
  std::string message;
  bool ok() const { return problem == Problem::none; }
  // Refused for its size or depth, not for its syntax: something other than a stray log line.
  bool beyond_limits() const { return problem == Problem::too_large || problem == Problem::too_deep; }
};

// Parses `text` within `limits`. Never throws: each caller words the problem for its own
// input ("the response is JSON nested deeper than 128 levels", a JSON-RPC error, a bad record).
ParsedJson parse_json_within(std::string_view text, const JsonLimits& limits = {});

}  // namespace strata
