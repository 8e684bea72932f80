#include "serve/crawl_checkpoint.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <nlohmann/json.hpp>
#include <utility>

#include "common/json_limits.h"
#include "common/sha256.h"
#include "serve/arguments.h"

namespace strata::serve {
namespace {

using nlohmann::json;

constexpr int k_checkpoint_version = 1;

// A non-negative count of the checkpoint, or nullopt when `key` holds no integer.
std::optional<std::int64_t> checkpoint_count(const json& j, const char* key) {
  const auto it = j.find(key);
  if (it == j.end() || !it->is_number_integer()) return std::nullopt;
  constexpr std::uint64_t k_most = std::numeric_limits<std::int64_t>::max();
  if (it->is_number_unsigned()) return static_cast<std::int64_t>(std::min(it->get<std::uint64_t>(), k_most));
  return std::max<std::int64_t>(it->get<std::int64_t>(), 0);
}

// The first `most` [URL, depth] pairs of `list`; others are left out.
std::vector<std::pair<std::string, int>> checkpoint_pending(const json& list, std::size_t most) {
  std::vector<std::pair<std::string, int>> out;
  for (const json& entry : list) {
    if (out.size() == most) break;
    if (!entry.is_array() || entry.size() != 2 || !entry[0].is_string() || !entry[1].is_number_integer()) continue;
    const std::int64_t depth = entry[1].get<std::int64_t>();
    if (depth < 0 || depth > std::numeric_limits<int>::max()) continue;
    out.emplace_back(entry[0].get<std::string>(), static_cast<int>(depth));
  }
  return out;
}

// The first `most` pairs of strings of `list`; others are left out.
std::vector<std::pair<std::string, std::string>> checkpoint_pairs(const json& list, std::size_t most) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const json& entry : list) {
    if (out.size() == most) break;
    if (entry.is_array() && entry.size() == 2 && entry[0].is_string() && entry[1].is_string()) {
      out.emplace_back(entry[0].get<std::string>(), entry[1].get<std::string>());
    }
  }
  return out;
}

// The first `most` URLs of `list`; others are left out.
std::vector<std::string> checkpoint_urls(const json& list, std::size_t most) {
  std::vector<std::string> out;
  for (const json& entry : list) {
    if (out.size() == most) break;
    if (entry.is_string()) out.push_back(entry.get<std::string>());
  }
  return out;
}

}  // namespace

std::string crawl_checkpoint_text(const std::string& request, std::int64_t done, const web::CrawlState& state) {
  json pending = json::array();
  for (const auto& [url, depth] : state.pending) pending.push_back({url, depth});
  json contents = json::array();
  for (const auto& [hash, source] : state.contents) contents.push_back({hash, source});
  return json_text({{"v", k_checkpoint_version},
                    {"request", sha256_hex(request)},
                    {"done", done},
                    {"start", state.start},
                    {"pending", std::move(pending)},
                    {"taken", state.done},
                    {"pages", state.pages},
                    {"contents", std::move(contents)},
                    {"elapsed_ms", state.elapsed.count()}});
}

std::optional<CrawlCheckpoint> read_crawl_checkpoint(const std::optional<std::string>& text, const std::string& request,
                                                     const web::CrawlOptions& options) {
  // A real checkpoint is smaller than the frontier it comes from, which counts more per URL.
  if (!text || text->size() > options.max_frontier_bytes) return std::nullopt;
  // Within a checkpoint's depth (3 levels): a value nested deeper would recurse once a level in
  // the copies and comparisons below (common/json_limits.h).
  ParsedJson parsed = parse_json_within(*text, JsonLimits{.max_depth = 8, .max_bytes = options.max_frontier_bytes});
  if (!parsed.ok()) return std::nullopt;
  const json j = std::move(parsed.value);
  if (!j.is_object() || j.value("v", json()) != k_checkpoint_version) return std::nullopt;
  if (j.value("request", json()) != sha256_hex(request) || !j.value("start", json()).is_string()) return std::nullopt;
  const auto done = checkpoint_count(j, "done");
  const auto pages = checkpoint_count(j, "pages");
  const auto elapsed = checkpoint_count(j, "elapsed_ms");
  const auto pending = j.find("pending");
  const auto taken = j.find("taken");
  if (!done || !pages || !elapsed || pending == j.end() || !pending->is_array() || taken == j.end() || !taken->is_array()) {
    return std::nullopt;
  }
  const std::size_t most = web::frontier_urls(options);
  CrawlCheckpoint out;
  // Progress counts pages' documents: never more than the crawl's pages.
  out.done = static_cast<std::int64_t>(std::min(static_cast<std::uint64_t>(*done), static_cast<std::uint64_t>(options.max_pages)));
  out.state.start = j["start"].get<std::string>();
  out.state.pending = checkpoint_pending(*pending, most);
  out.state.done = checkpoint_urls(*taken, most);
  out.state.pages = static_cast<std::size_t>(*pages);
  if (const auto contents = j.find("contents"); contents != j.end() && contents->is_array()) {
    out.state.contents = checkpoint_pairs(*contents, options.max_pages);  // a page's content each, at most
  }
  out.state.elapsed = std::chrono::milliseconds(*elapsed);
  return out;
}

}  // namespace strata::serve
