#pragma once
// Ids nobody guesses (an answer's, a job's): random hex digits from the system's source.
#include <cstddef>
#include <random>
#include <string>

namespace strata::serve {

inline std::string random_hex(std::size_t digits) {
  static constexpr char k_hex[] = "0123456789abcdef";
  std::random_device random;
  std::string id;
  for (std::size_t i = 0; i < digits; ++i) id += k_hex[random() % 16];
  return id;
}

}  // namespace strata::serve
