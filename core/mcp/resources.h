#pragma once
// The store's documents as MCP resources: strata://COLLECTION/SOURCE, the collection and the
// source percent-encoded (the source keeps its slashes), text/plain, the text that search
// results' lines point into.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "mcp/tools.h"

namespace strata::mcp {

std::string resource_uri(std::string_view collection, std::string_view source);
struct ResourceName {
  std::string collection, source;
};
// nullopt when `uri` is not a strata:// document URI (or its escapes are malformed).
std::optional<ResourceName> parse_resource_uri(std::string_view uri);

// resources/list: every document of every collection, by collection and source, 100 a page;
// the cursor is the opaque nextCursor of the page before. A malformed cursor is RpcError.
nlohmann::json list_resources(ToolSession& session, const nlohmann::json& params);
nlohmann::json resource_templates();
// resources/read: the document's text (at most 4 MiB, then a line saying it was cut). An unknown
// URI or document is RpcError(resource_not_found).
nlohmann::json read_resource(ToolSession& session, const nlohmann::json& params);

}  // namespace strata::mcp
