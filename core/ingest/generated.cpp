// Names are compared without regard to case where file systems and tools vary (".SVG"), and
// exactly where the tool's own name is fixed (searchindex.js). The lists hold what the common
// generators write: Sphinx (searchindex.js, objects.inv, genindex, _sources, _static), MkDocs
// (search/search_index.json, sitemap.xml), Docusaurus (search plugins' search-index*.json,
// search-doc*.json, lunr-index*.json, hashed bundles), mdBook (searchindex.json), rustdoc
// (search-index*.js), Javadoc (*-search-index.js, index-all.html, index-files/), DocBook
// (bookindex.html), and the help-browser tables of contents and keyword indexes that Sphinx's
// devhelp, qthelp and htmlhelp builders and gtk-doc write beside the pages (Debian ships Python's
// as python3.11.devhelp.gz: 1,439 chunks of XML links that outranked the pages they point to).
#include "ingest/generated.h"

#include <algorithm>
#include <array>

#include "common/text.h"

namespace strata::ingest {
namespace {

bool has_prefix_and_suffix(std::string_view name, std::string_view prefix, std::string_view suffix) {
  return name.size() >= prefix.size() + suffix.size() && name.starts_with(prefix) && name.ends_with(suffix);
}

bool is_hex(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

// "main.3f2a1b9c.js", "runtime~main.1a2b3c4d5e.css": a bundler's content hash in the name.
bool is_hashed_bundle(std::string_view lower) {
  std::string_view stem;
  if (lower.ends_with(".js")) {
    stem = lower.substr(0, lower.size() - 3);
  } else if (lower.ends_with(".css")) {
    stem = lower.substr(0, lower.size() - 4);
  } else {
    return false;
  }
  const std::size_t dot = stem.rfind('.');
  if (dot == std::string_view::npos || dot == 0) return false;
  const std::string_view hash = stem.substr(dot + 1);
  return hash.size() >= 8 && is_hex(hash);
}

// Devhelp books (.devhelp, .devhelp2), Qt help projects (.qhp, .qhcp), HTML Help contents and
// keyword files (.hhc, .hhk), also gzipped as distributions ship them.
bool is_help_index(std::string_view lower) {
  if (lower.ends_with(".gz")) lower.remove_suffix(3);
  constexpr std::array<std::string_view, 6> suffixes = {".devhelp", ".devhelp2", ".qhp", ".qhcp", ".hhc", ".hhk"};
  return std::any_of(suffixes.begin(), suffixes.end(), [&](std::string_view s) { return lower.ends_with(s); });
}

bool is_search_index(std::string_view name) {
  constexpr std::array<std::string_view, 5> exact = {"searchindex.js", "searchindex.json", "search_index.json",
                                                     "objects.inv", "search_index.js"};
  if (std::find(exact.begin(), exact.end(), name) != exact.end()) return true;
  if (is_help_index(to_lower(name))) return true;
  return has_prefix_and_suffix(name, "search-index", ".json") || has_prefix_and_suffix(name, "search-index", ".js") ||
         has_prefix_and_suffix(name, "search-doc", ".json") || has_prefix_and_suffix(name, "lunr-index", ".json") ||
         name.ends_with("-search-index.js");
}

bool is_index_page(std::string_view lower, std::string_view folder) {
  if (!lower.ends_with(".html") && !lower.ends_with(".htm")) return false;
  if (lower.starts_with("genindex")) return true;
  if (lower == "bookindex.html" || lower == "py-modindex.html" || lower == "index-all.html") return true;
  return folder == "index-files" && lower.starts_with("index-");
}

}  // namespace

std::optional<std::string_view> generated_file_kind(std::string_view name, std::string_view folder,
                                                    bool in_sphinx_output) {
  const std::string lower = to_lower(name);
  if (lower.ends_with(".drawio") || lower.ends_with(".dio") || lower.ends_with(".drawio.svg") ||
      lower.ends_with(".drawio.png")) {
    return generated::drawio;
  }
  if (lower.ends_with(".svg") || lower.ends_with(".svgz")) return generated::svg;
  if (is_search_index(name)) return generated::search_index;
  if (is_index_page(lower, folder)) return generated::index_page;
  if (has_prefix_and_suffix(lower, "sitemap", ".xml") || has_prefix_and_suffix(lower, "sitemap", ".xml.gz")) {
    return generated::sitemap;
  }
  if (lower.ends_with(".min.js") || lower.ends_with(".min.css") || lower.ends_with(".js.map") ||
      lower.ends_with(".css.map") || is_hashed_bundle(lower)) {
    return generated::site_assets;
  }
  if (in_sphinx_output && lower == "search.html") return generated::site_assets;
  return std::nullopt;
}

std::optional<std::string_view> generated_folder_kind(std::string_view name, bool in_sphinx_output) {
  if (in_sphinx_output && name == "_static") return generated::site_assets;
  return std::nullopt;
}

std::vector<std::string> sphinx_page_candidates(std::string_view below) {
  std::string_view source = below;
  if (source.ends_with(".txt")) source.remove_suffix(4);
  std::vector<std::string> out;
  const std::size_t slash = source.rfind('/');
  const std::size_t dot = source.rfind('.');
  if (dot != std::string_view::npos && (slash == std::string_view::npos || dot > slash + 1)) {
    out.push_back(std::string(source.substr(0, dot)) + ".html");
  }
  if (!source.empty() && source.back() != '/') out.push_back(std::string(source) + ".html");
  return out;
}

}  // namespace strata::ingest
