#include "mcp/tool_names.h"

#include "mcp/tools.h"

namespace strata::mcp {

std::string tool_names(ToolGroup group) {
  std::string out;
  for (const Tool& t : tools()) {
    // The migration tools share a prefix in the table, and so in tools/list: the prefix is how
    // a client tells them apart too.
    if (group == ToolGroup::migration && !t.name.starts_with("migrate_")) continue;
    if (!out.empty()) out += ", ";
    out += t.name;
  }
  return out;
}

}  // namespace strata::mcp
