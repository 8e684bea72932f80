#pragma once
// Why a package cannot be read, inside the strata-office module. It never leaves the module: the
// entry point (office_module.cpp) turns it into OfficeRawDocument::error.
#include <stdexcept>
#include <string>

namespace strata::ingest::office {

class OfficeError : public std::runtime_error {
 public:
  explicit OfficeError(const std::string& why) : std::runtime_error(why) {}
};

}  // namespace strata::ingest::office
