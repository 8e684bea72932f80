#pragma once
// OpenAI's error shape, {"error": {"message", "type", "param", "code"}} with its HTTP status, for
// the OpenAI-compatible doors: what a request's reading refuses (read_chat_request, ...), and
// strata's Error (common/error.h) as a client of OpenAI's API expects it (api_error).
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "common/error.h"

namespace strata::openai {

struct ApiError {
  int status = 400;
  std::string type = "invalid_request_error";  // OpenAI's: invalid_request_error, server_error, ...
  std::string message;
  std::optional<std::string> param;  // the field at fault ("messages[2].role"); null otherwise
  std::optional<std::string> code;   // "model_not_found", "unsupported_parameter", ...; null otherwise
};

// What reading a request came to: the request, or why it is refused.
template <class T>
struct Read {
  std::optional<T> value;
  std::optional<ApiError> error;
  explicit operator bool() const { return value.has_value(); }
};

// 400 invalid_request_error naming `param`.
ApiError invalid_request(std::string message, std::optional<std::string> param, std::optional<std::string> code = std::nullopt);
// 404 model_not_found: the same for a collection that does not exist and one the caller may not
// read, so that the answer tells nobody which collections exist.
ApiError model_not_found(const std::string& model);

// `error` as OpenAI's clients read it. By exit code: usage and invalid_input are the client's
// (400 invalid_request_error, the message as it is); a model server's failure (llm::ChatError)
// is 502 (429 when it limits the rate, 400 context_length_exceeded for a prompt over the
// model's window); the rest are the server's (503 when the store or a server cannot be reached,
// else 500) with a fixed message: their text may name the store's path or a server's URL,
// which the operator reads in the server's log, not the client.
ApiError api_error(const Error& error);

// {"error": {"message", "type", "param", "code"}}.
nlohmann::json to_json(const ApiError& error);

}  // namespace strata::openai
