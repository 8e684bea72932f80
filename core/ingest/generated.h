#pragma once
// Files that are not documents by default: made by a tool from the real pages (search indexes,
// index pages, Sphinx's copies of page sources, site assets, sitemaps) or pictures and diagrams
// stored as text (SVG, draw.io). Ingested, they flood a store with base64, JSON and duplicates
// a reader never sees (in FastAPI's docs SVGs were 53% of the chunks and 80% of the tokens).
// The walker asks these questions by name; `ingest --include-generated` turns them off.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace strata::ingest {

// The kinds, as summaries and --json name them.
namespace generated {
inline constexpr std::string_view svg = "svg";                        // *.svg, *.svgz
inline constexpr std::string_view drawio = "drawio";                  // *.drawio, *.dio, *.drawio.svg|png
inline constexpr std::string_view search_index = "search-index";      // searchindex.js, objects.inv, *.devhelp, ...
inline constexpr std::string_view index_page = "index-page";          // genindex*.html, bookindex.html, ...
inline constexpr std::string_view sphinx_sources = "sphinx-sources";  // _sources/**.txt beside their HTML page
inline constexpr std::string_view site_assets = "site-assets";        // Sphinx _static/, minified and hashed bundles
inline constexpr std::string_view sitemap = "sitemap";                // sitemap*.xml
}  // namespace generated

// True for a folder that a Sphinx HTML build wrote, told by the files it always leaves at the
// top of its output: `contains(name)` says whether the folder has an entry of that name.
template <typename Contains>
bool is_sphinx_output(const Contains& contains) {
  return contains("searchindex.js") || contains("objects.inv") || contains(".buildinfo");
}

// The kind of a file by its name alone (`folder` is the name of the folder holding it, for
// Javadoc's index-files/; `in_sphinx_output`: that folder is a Sphinx build's top, where
// search.html is an empty search form). nullopt: a document.
std::optional<std::string_view> generated_file_kind(std::string_view name, std::string_view folder,
                                                    bool in_sphinx_output);

// The kind of every file below a folder of this name, or nullopt: `_static` at a Sphinx build's
// top holds the theme's scripts, stylesheets and images.
std::optional<std::string_view> generated_folder_kind(std::string_view name, bool in_sphinx_output);

// The folder of Sphinx's page-source copies ("_sources"): a file in it is generated when the
// HTML page it copies is there too.
inline constexpr std::string_view k_sphinx_sources_folder = "_sources";

// The HTML pages `below` (a path under `_sources/`) may be the source of, relative to the
// build's top, most likely first: "library/os.rst.txt" -> "library/os.html" (Sphinx 1.5 and
// later keep the source suffix and add .txt), "library/os.txt" -> "library/os.html" (older).
std::vector<std::string> sphinx_page_candidates(std::string_view below);

}  // namespace strata::ingest
