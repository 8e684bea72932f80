#pragma once
// "No store at PATH": the store was never made. An Error(unavailable) as any store that cannot
// be opened, and a type of its own, so that a door tells the operator's first step still to do
// (strata ingest) from a server that is down, without reading the message's words.
#include <string>
#include <utility>

#include "common/error.h"

namespace strata::store {

class NoStore : public Error {
 public:
  NoStore(const std::string& display, std::string hint)
      : Error(ExitCode::unavailable, "no store at " + display, std::move(hint)) {}
};

}  // namespace strata::store
