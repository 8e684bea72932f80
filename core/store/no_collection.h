#pragma once
// "No collection named X": an Error(not_found) of a type of its own, carrying the name, so that a
// door answers it in its own words (a terminal names the store and every collection; a remote
// caller hears of no path and only of the collections it may read: service/session.h) without
// reading the message's words.
#include <string>
#include <utility>

#include "common/error.h"

namespace strata::store {

class NoCollection : public Error {
 public:
  NoCollection(std::string name, const std::string& message, std::string hint)
      : Error(ErrorKind::not_found, ExitCode::invalid_input, message, std::move(hint)), name_(std::move(name)) {}
  const std::string& name() const { return name_; }

 private:
  std::string name_;
};

}  // namespace strata::store
