#include "mcp/resources.h"

#include <charconv>
#include <cstdint>

#include "common/error.h"
#include "service/document_range.h"
#include "mcp/json_rpc.h"
#include "store/catalog.h"
#include "store/collections.h"

namespace strata::mcp {
namespace {

using nlohmann::json;
using service::DocumentPart;
using service::LineRange;
using service::read_lines;

constexpr std::string_view k_scheme = "strata://";
constexpr std::size_t k_page = 100;
constexpr std::size_t k_page_bytes = std::size_t{2} << 20;
constexpr std::size_t k_read_max = std::size_t{4} << 20;

bool unreserved(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
         c == '~';
}

std::string percent_encode(std::string_view text, bool keep_slash) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  for (const char c : text) {
    if (unreserved(c) || (keep_slash && c == '/')) {
      out += c;
    } else {
      const auto b = static_cast<unsigned char>(c);
      out += '%';
      out += hex[b >> 4];
      out += hex[b & 15];
    }
  }
  return out;
}

std::optional<std::string> percent_decode(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out += text[i];
      continue;
    }
    unsigned value = 0;
    if (i + 2 >= text.size()) return std::nullopt;
    const auto [end, ec] = std::from_chars(text.data() + i + 1, text.data() + i + 3, value, 16);
    if (ec != std::errc() || end != text.data() + i + 3) return std::nullopt;
    out += static_cast<char>(value);
    i += 2;
  }
  return out;
}

}  // namespace

std::string resource_uri(std::string_view collection, std::string_view source) {
  return std::string(k_scheme) + percent_encode(collection, false) + "/" + percent_encode(source, true);
}

std::optional<ResourceName> parse_resource_uri(std::string_view uri) {
  if (uri.substr(0, k_scheme.size()) != k_scheme) return std::nullopt;
  uri.remove_prefix(k_scheme.size());
  const std::size_t slash = uri.find('/');
  if (slash == std::string_view::npos || slash == 0 || slash + 1 == uri.size()) return std::nullopt;
  std::optional<std::string> collection = percent_decode(uri.substr(0, slash));
  std::optional<std::string> source = percent_decode(uri.substr(slash + 1));
  if (!collection || !source) return std::nullopt;
  return ResourceName{std::move(*collection), std::move(*source)};
}

json list_resources(ToolSession& session, const json& params) {
  std::size_t offset = 0;
  if (const auto it = params.find("cursor"); it != params.end() && !it->is_null()) {
    const std::string cursor = it->is_string() ? it->get<std::string>() : std::string();
    const auto [end, ec] = std::from_chars(cursor.data(), cursor.data() + cursor.size(), offset);
    if (cursor.empty() || ec != std::errc() || end != cursor.data() + cursor.size()) {
      throw RpcError(RpcCode::invalid_params, "invalid cursor");
    }
  }
  json list = json::array();
  std::size_t index = 0;
  std::size_t bytes = 0;  // of the sources and titles listed: long ones make a shorter page
  store::Store& st = session.store();
  for (const std::string& collection : store::collection_names(st)) {
    if (!session.may_read(collection)) continue;  // the caller's key does not reach it
    store::for_each_document(st, collection, [&](const store::DocumentSummary& d) {
      const std::size_t i = index++;
      if (i < offset || i >= offset + k_page || bytes > k_page_bytes) return;
      bytes += 2 * d.source.size() + d.title.size();
      json r = {{"uri", resource_uri(collection, d.source)},
                {"name", d.source},
                {"mimeType", "text/plain"},
                {"size", d.char_count}};
      if (!d.title.empty()) r["title"] = d.title;
      r["description"] = "Collection '" + collection + "', " + std::to_string(d.chunk_count) + " chunks";
      list.push_back(std::move(r));
    });
  }
  const std::size_t next = offset + list.size();
  json result = {{"resources", std::move(list)}};
  if (next < index) result["nextCursor"] = std::to_string(next);
  return result;
}

json resource_templates() {
  return {{"resourceTemplates",
           json::array({{{"uriTemplate", "strata://{collection}/{+source}"},
                         {"name", "document"},
                         {"title", "A stored document"},
                         {"description", "A document of a collection, by its source as search results name it"},
                         {"mimeType", "text/plain"}}})}};
}

json read_resource(ToolSession& session, const json& params) {
  const auto it = params.find("uri");
  if (it == params.end() || !it->is_string()) throw RpcError(RpcCode::invalid_params, "resources/read needs \"uri\", a string");
  const std::string uri = it->get<std::string>();
  const std::optional<ResourceName> name = parse_resource_uri(uri);
  if (!name) throw RpcError(RpcCode::resource_not_found, "Resource not found: not a strata://COLLECTION/SOURCE URI: " + uri);
  // A collection the caller's key does not reach is not there for it.
  if (!session.may_read(name->collection)) throw RpcError(RpcCode::resource_not_found, "Resource not found: " + uri);
  store::Store& st = session.store();
  std::optional<store::DocumentSummary> d;
  try {
    d = store::find_document(st, name->collection, name->source);
  } catch (const Error&) {
    // An unknown collection is a resource that is not there, as an unknown source is.
  }
  if (!d) throw RpcError(RpcCode::resource_not_found, "Resource not found: " + uri);
  DocumentPart p = read_lines(st, d->id, LineRange{}, k_read_max);
  if (p.truncated) {
    p.text += "\n[cut at 4 MiB after line " + std::to_string(p.last_line) + " of " + std::to_string(p.document_lines) +
              "; the read_document tool reads on from a line]\n";
  }
  return {{"contents", json::array({{{"uri", uri}, {"mimeType", "text/plain"}, {"text", std::move(p.text)}}})}};
}

}  // namespace strata::mcp
