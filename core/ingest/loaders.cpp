#include "ingest/loaders.h"

#include <algorithm>
#include <array>

#include "ingest/html_loader.h"
#include "ingest/man_loader.h"
#include "ingest/markdown_loader.h"
#include "ingest/office_loader.h"
#include "ingest/pdf_loader.h"
#include "ingest/text_loader.h"

namespace strata::ingest {
namespace {

constexpr auto k_text_extensions = std::to_array<std::string_view>(
    {"txt", "rst", "adoc", "org", "csv", "tsv", "json", "yaml", "yml", "toml", "xml", "ini", "log"});
constexpr auto k_markdown_extensions = std::to_array<std::string_view>({"md", "markdown", "mdx", "mkd"});
constexpr auto k_html_extensions = std::to_array<std::string_view>({"html", "htm", "xhtml"});
constexpr auto k_pdf_extensions = std::to_array<std::string_view>({"pdf"});
constexpr auto k_code_extensions = std::to_array<std::string_view>(
    {"c",    "cc",    "cpp",  "cxx", "h",      "hh",   "hpp", "hxx",   "py",    "js",
     "mjs",  "cjs",   "ts",   "tsx", "jsx",    "go",   "rs",  "java",  "kt",    "kts",
     "swift", "rb",   "php",  "cs",  "scala",  "sh",   "bash", "zsh",  "fish",  "sql",
     "lua",  "pl",    "r",    "m",   "mm",     "hs",   "ml",  "ex",    "exs",   "erl",
     "clj",  "dart",  "vue",  "svelte", "css", "scss", "less", "cmake"});
// Build files known by their whole name.
constexpr auto k_code_file_names = std::to_array<std::string_view>(
    {"makefile", "gnumakefile", "dockerfile", "cmakelists.txt"});
// Zip packages, with their macro-enabled and template variants (the same formats).
constexpr auto k_docx_extensions = std::to_array<std::string_view>({"docx", "docm", "dotx", "dotm"});
constexpr auto k_odt_extensions = std::to_array<std::string_view>({"odt", "ott"});
constexpr auto k_pptx_extensions = std::to_array<std::string_view>({"pptx", "pptm", "potx", "potm", "ppsx", "ppsm"});
constexpr auto k_epub_extensions = std::to_array<std::string_view>({"epub"});

using Names = std::span<const std::string_view>;
constexpr Names k_none{};

// One row per loader, in LoaderKind's order: the order users see the names in (loader_names,
// --loader's choices) and content is sniffed in. Columns: kind, name, extensions, whole file names, sniff, load, version, markdown structure,
// binary, selectable.
constexpr Loader k_loaders[] = {
    {LoaderKind::text, "text", k_text_extensions, k_none, nullptr, load_text, 1, false, false, true},
    {LoaderKind::markdown, "markdown", k_markdown_extensions, k_none, nullptr, load_markdown, 1, true, false, true},
    {LoaderKind::html, "html", k_html_extensions, k_none, looks_like_html, load_html, 2, true, false, true},
    {LoaderKind::pdf, "pdf", k_pdf_extensions, k_none, looks_like_pdf, load_pdf, 2, false, true, true},
    {LoaderKind::code, "code", k_code_extensions, k_code_file_names, nullptr, load_text, 1, false, false, true},
    {LoaderKind::docx, "docx", k_docx_extensions, k_none, looks_like_office<OfficeFormat::docx>,
     load_office_as<OfficeFormat::docx>, 2, true, true, true},
    {LoaderKind::odt, "odt", k_odt_extensions, k_none, looks_like_office<OfficeFormat::odt>,
     load_office_as<OfficeFormat::odt>, 2, true, true, true},
    {LoaderKind::pptx, "pptx", k_pptx_extensions, k_none, looks_like_office<OfficeFormat::pptx>,
     load_office_as<OfficeFormat::pptx>, 1, true, true, true},
    {LoaderKind::epub, "epub", k_epub_extensions, k_none, looks_like_office<OfficeFormat::epub>,
     load_office_as<OfficeFormat::epub>, 1, true, true, true},
    // Manual pages have no extension of their own (ls.1, ssl.3ssl, ls.1.gz): the sniff picks them.
    {LoaderKind::man, "man", k_none, k_none, looks_like_man, load_man, 1, true, false, true},
    // An external converter's output (external_converter.h), read as markdown under its own name
    // so that a change of converter is seen as a change of loader.
    {LoaderKind::converter, "converter", k_none, k_none, nullptr, load_markdown, 1, true, false, false},
};

// Row i is LoaderKind i, so that loader() is an index; converter is the last kind.
constexpr bool rows_in_kind_order() {
  for (std::size_t i = 0; i < std::size(k_loaders); ++i) {
    if (static_cast<std::size_t>(k_loaders[i].kind) != i) return false;
  }
  return true;
}
static_assert(rows_in_kind_order(), "k_loaders: row i must be LoaderKind i");
static_assert(std::size(k_loaders) == static_cast<std::size_t>(LoaderKind::converter) + 1,
              "k_loaders: one row per LoaderKind");

}  // namespace

std::span<const Loader> loaders() { return k_loaders; }

const Loader& loader(LoaderKind kind) { return k_loaders[static_cast<std::size_t>(kind)]; }

std::string_view to_string(LoaderKind kind) { return loader(kind).name; }

const Loader* find_loader(std::string_view name) {
  const auto* row = std::find_if(std::begin(k_loaders), std::end(k_loaders),
                                 [name](const Loader& l) { return l.name == name; });
  return row != std::end(k_loaders) ? row : nullptr;
}

std::optional<LoaderKind> parse_loader(std::string_view name) {
  const Loader* row = find_loader(name);
  if (row == nullptr || !row->selectable) return std::nullopt;
  return row->kind;
}

bool is_loader_name(std::string_view name) { return parse_loader(name).has_value(); }

std::vector<std::string> loader_choices() {
  std::vector<std::string> out;
  for (const Loader& l : k_loaders) {
    if (l.selectable) out.emplace_back(l.name);
  }
  return out;
}

std::string loader_names() {
  const std::vector<std::string> names = loader_choices();
  std::string out;
  for (std::size_t i = 0; i < names.size(); ++i) {
    out += i == 0 ? "" : i + 1 == names.size() ? " or " : ", ";
    out += names[i];
  }
  return out;
}

}  // namespace strata::ingest
