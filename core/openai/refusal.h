#pragma once
// How this area's readers stop at a request's first fault: they throw a Refusal, which the
// public function catches and returns as Read's error. It never leaves core/openai.
#include <optional>
#include <string>
#include <utility>

#include "openai/api_error.h"

namespace strata::openai {

struct Refusal {
  ApiError error;
};

// 400 invalid_request_error naming `param` ("": none).
[[noreturn]] inline void refuse(std::string message, std::string param, std::optional<std::string> code = std::nullopt) {
  std::optional<std::string> named;
  if (!param.empty()) named = std::move(param);
  throw Refusal{invalid_request(std::move(message), std::move(named), std::move(code))};
}

}  // namespace strata::openai
