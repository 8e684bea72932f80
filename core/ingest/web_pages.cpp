#include "ingest/web_pages.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>

#include "common/error.h"
#include "common/text.h"
#include "web/fetcher.h"

namespace strata::ingest {
namespace {

// The value of attribute `name` in one tag's text ("<link rel=canonical href='...'>").
std::optional<std::string> attribute(std::string_view tag, std::string_view name) {
  const std::string lower = to_lower(tag);
  std::size_t at = 0;
  while ((at = lower.find(name, at)) != std::string::npos) {
    const bool starts = at > 0 && std::isspace(static_cast<unsigned char>(lower[at - 1])) != 0;
    std::size_t i = at + name.size();
    at = i;
    if (!starts) continue;
    while (i < lower.size() && lower[i] == ' ') ++i;
    if (i >= lower.size() || lower[i] != '=') continue;
    ++i;
    while (i < lower.size() && lower[i] == ' ') ++i;
    if (i >= lower.size()) return std::nullopt;
    const char quote = lower[i];
    if (quote == '"' || quote == '\'') {
      const std::size_t end = lower.find(quote, i + 1);
      if (end == std::string::npos) return std::nullopt;
      return std::string(tag.substr(i + 1, end - i - 1));
    }
    std::size_t end = i;
    while (end < lower.size() && lower[end] != ' ' && lower[end] != '>' && lower[end] != '/') ++end;
    return std::string(tag.substr(i, end - i));
  }
  return std::nullopt;
}

std::string origin_of(const web::CheckedUrl& u) { return u.scheme + "://" + to_lower(u.host) + ":" + std::to_string(u.port); }

}  // namespace

bool is_web_address(std::string_view argument) {
  const auto sep = argument.find("://");
  if (sep == std::string_view::npos || sep == 0) return false;
  return std::all_of(argument.begin(), argument.begin() + static_cast<std::ptrdiff_t>(sep), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '+' || c == '-' || c == '.';
  });
}

std::optional<LoaderKind> loader_for_content_type(const std::string& content_type, const std::string& url) {
  const std::string path = url.substr(0, url.find('?'));
  const bool md_path = path.ends_with(".md") || path.ends_with(".markdown");
  if (content_type == "text/html" || content_type == "application/xhtml+xml") return LoaderKind::html;
  if (content_type == "text/markdown" || content_type == "text/x-markdown") return LoaderKind::markdown;
  if (content_type == "application/pdf") return LoaderKind::pdf;
  if (content_type == "text/plain" || content_type.empty()) return md_path ? LoaderKind::markdown : LoaderKind::text;
  return std::nullopt;
}

std::optional<std::string> same_origin_canonical(const std::string& html, const std::string& page_url) {
  // Only the head matters, and a page is bounded: the first 256 KiB are enough.
  const std::string head = to_lower(std::string_view(html).substr(0, std::size_t{256} << 10));
  std::size_t at = 0;
  while ((at = head.find("<link", at)) != std::string::npos) {
    const std::size_t end = head.find('>', at);
    if (end == std::string::npos) break;
    const std::string_view tag = std::string_view(html).substr(at, end - at + 1);
    at = end;
    const std::optional<std::string> rel = attribute(tag, "rel");
    if (!rel || to_lower(*rel) != "canonical") continue;
    const std::optional<std::string> href = attribute(tag, "href");
    if (!href || href->empty()) return std::nullopt;
    try {
      const std::optional<std::string> resolved = web::resolve_reference(page_url, *href);
      if (!resolved) return std::nullopt;
      const web::CheckedUrl page = web::check_url(page_url);
      const web::CheckedUrl canonical = web::check_url(*resolved);
      if (origin_of(page) != origin_of(canonical)) return std::nullopt;
      return canonical.url;
    } catch (const Error&) {
      return std::nullopt;  // a canonical link that is no fetchable URL: the page's own URL stands
    }
  }
  return std::nullopt;
}

web::FetchRequest conditional_request(const std::string& url, const std::string& metadata_json) {
  web::FetchRequest request{url, "", ""};
  const nlohmann::json meta = nlohmann::json::parse(metadata_json, nullptr, false);
  if (!meta.is_object() || !meta.contains("web") || !meta["web"].is_object()) return request;
  const nlohmann::json& web = meta["web"];
  if (web.contains("etag") && web["etag"].is_string()) request.if_none_match = web["etag"].get<std::string>();
  if (web.contains("last_modified") && web["last_modified"].is_string()) {
    request.if_modified_since = web["last_modified"].get<std::string>();
  }
  return request;
}

std::string web_metadata(const web::FetchResponse& response) {
  nlohmann::json web = nlohmann::json::object();
  web["url"] = response.url;
  if (!response.etag.empty()) web["etag"] = response.etag;
  if (!response.last_modified.empty()) web["last_modified"] = response.last_modified;
  nlohmann::json meta = nlohmann::json::object();
  meta["web"] = web;
  return meta.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace strata::ingest
