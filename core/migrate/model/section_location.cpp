#include "migrate/model/section_location.h"

#include "common/text.h"

namespace strata::migrate {

std::string location(const Section& section, std::size_t offset) {
  const TextPosition pos = position_of(section.sql, offset);
  return std::to_string(section.first_line + pos.line - 1) + ":" + std::to_string(pos.column);
}

}  // namespace strata::migrate
