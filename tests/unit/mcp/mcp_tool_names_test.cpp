// mcp::tool_names: what `strata mcp --help` lists is the tool table, in tools/list's order.
#include <gtest/gtest.h>

#include <string>

#include "mcp/tool_names.h"
#include "mcp/tools.h"

namespace strata::mcp {
namespace {

TEST(McpToolNames, ListsTheTableInOrder) {
  std::string expected;
  for (const Tool& t : tools()) expected += (expected.empty() ? "" : ", ") + std::string(t.name);
  EXPECT_EQ(tool_names(), expected);
  EXPECT_EQ(tool_names().rfind("search, read_document", 0), 0u);
}

TEST(McpToolNames, MigrationToolsAreWhatNoMigrateLeavesOut) {
  EXPECT_EQ(tool_names(ToolGroup::migration), "migrate_status, migrate_check");
}

}  // namespace
}  // namespace strata::mcp
