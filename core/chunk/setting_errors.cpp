#include "chunk/setting_errors.h"

namespace strata::chunk {
namespace {

Error unknown(const std::string& name, const std::string& what, const std::string& value, const std::string& valid) {
  return Error(ExitCode::usage, name + ": unknown " + what + " '" + value + "'", "use " + valid);
}

Error not_below(const std::string& name, std::size_t value, const std::string& size_name, std::size_t size,
                std::string hint) {
  return Error(ExitCode::usage,
               name + " (" + std::to_string(value) + ") must be below " + size_name + " (" + std::to_string(size) + ")",
               std::move(hint));
}

}  // namespace

Error unknown_strategy(const std::string& name, const std::string& value, bool with_auto) {
  return unknown(name, "strategy", value,
                 std::string(with_auto ? "auto, " : "") + "fixed, recursive, paragraph, sentence, markdown or token");
}

Error unknown_unit(const std::string& name, const std::string& value) {
  return unknown(name, "unit", value, "chars, bytes or tokens");
}

Error unknown_tokenizer(const std::string& name, const std::string& value) {
  return unknown(name, "tokenizer", value, "cl100k_base or o200k_base");
}

Error overlap_not_below_size(const std::string& name, std::size_t overlap, const std::string& size_name,
                             std::size_t size) {
  return not_below(name, overlap, size_name, size, "");
}

Error min_size_not_below_size(const std::string& name, std::size_t min_size, const std::string& size_name,
                              std::size_t size) {
  return not_below(name, min_size, size_name, size, "0 turns the joining of small chunks off");
}

}  // namespace strata::chunk
