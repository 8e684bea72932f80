#pragma once
// The names of the server's tools, read from its tool table (k_tools in tools.cpp), for what the
// program says about them: `strata mcp --help` lists them, --no-migrate's help names the ones it
// leaves out. A tool added to the table is listed there without another edit.
#include <string>

namespace strata::mcp {

enum class ToolGroup {
  all,        // every tool, in tools/list's order
  migration,  // the migration reports (the table's migrate_* rows), which --no-migrate leaves out
};

// "search, read_document, ...": the group's names in table order, joined by ", ".
std::string tool_names(ToolGroup group = ToolGroup::all);

}  // namespace strata::mcp
