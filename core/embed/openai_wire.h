#pragma once
// OpenAI's /v1/embeddings on the wire: the request body, the checks a response must pass before
// any vector is stored, and error bodies turned into one safe line.
#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "embed/vector.h"

namespace strata::embed {

// {"model":…,"input":[…],"encoding_format":"float"[,"dimensions":d]}. REQUIRES: inputs are UTF-8.
std::string embeddings_request_body(std::string_view model, std::span<const std::string_view> inputs,
                                    std::optional<std::size_t> dimensions);

enum class ResponseProblem {
  none,
  malformed,   // not JSON, no "data" array, an item without an "embedding" array, a non-number
  count,       // not one item per input
  index,       // an "index" missing, out of range or repeated
  non_finite,  // NaN or an infinity (also a value too large for float32)
  ragged,      // vectors of different sizes in one response
  dimensions,  // not the expected size
};

struct ParsedEmbeddings {
  std::vector<Vector> vectors;  // in input order (items are placed by their "index")
  ResponseProblem problem = ResponseProblem::none;
  std::string message;          // for a problem: what exactly, e.g. "item 3 has 768 values, expected 1536"
};

// Parses and validates a 2xx body for `inputs` inputs. `expected_dimensions` 0 accepts any size
// (the same for every item). Items may come in any order: each is placed by its "index".
ParsedEmbeddings parse_embeddings_response(std::string_view body, std::size_t inputs, std::size_t expected_dimensions);

// The error details of a non-2xx body: OpenAI's {"error":{"message","type","code"}}, Ollama's
// {"error":"…"}, or plain text.
struct ServerError {
  std::string message;  // one line, at most 300 characters, API key redacted
  std::string type;     // e.g. "insufficient_quota", "invalid_request_error"
  std::string code;
};
ServerError parse_error_body(std::string_view body, std::string_view api_key);

// `text` with each invalid UTF-8 byte turned into U+FFFD, `api_key` (when not empty) and
// anything that looks like an OpenAI key ("sk-…", which servers echo back half-masked) replaced
// by "[redacted]", control characters turned into spaces, runs of spaces collapsed, and cut to
// `limit` bytes at a character boundary ("…" added).
std::string safe_line(std::string_view text, std::string_view api_key, std::size_t limit = 300);

}  // namespace strata::embed
