#pragma once
// Where a statement of a section is in its file, for the "file:line:col: message" every engine
// reports a failing statement with.
#include <cstddef>
#include <string>

#include "migrate/model/migration.h"

namespace strata::migrate {

// Line and column (1-based) in the section's file of the statement starting at `offset` bytes
// into `section.sql`, as "line:col".
std::string location(const Section& section, std::size_t offset);

}  // namespace strata::migrate
