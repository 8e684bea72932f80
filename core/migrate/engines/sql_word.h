#pragma once
// A word of a SQL statement as the engines' splitters give them to the run plan and lint.
#include <cstddef>
#include <string>

namespace strata::migrate {

// A keyword or identifier outside comments, strings and dollar-quoted bodies, upper-cased.
// Quoted identifiers come through with their quotes stripped and `quoted` set.
struct SqlWord {
  std::string upper;
  std::size_t offset = 0;
  bool quoted = false;
};

}  // namespace strata::migrate
