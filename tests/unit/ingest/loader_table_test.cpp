// The loader table (ingest/loaders.h): its invariants, and that picking a loader by name or
// content through it gives what the lists it replaced gave.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "common/text.h"
#include "ingest/loader.h"
#include "ingest/loaders.h"
#include "zip_writer.h"

namespace strata::ingest {
namespace {

using strata::testing::make_zip;

TEST(LoaderTable, NamesAndExtensionsAreUniqueAndEveryRowLoads) {
  std::set<std::string_view> names, extensions, file_names;
  for (const Loader& l : loaders()) {
    SCOPED_TRACE(std::string(l.name));
    EXPECT_TRUE(names.insert(l.name).second) << "name used twice";
    EXPECT_NE(l.load, nullptr);
    EXPECT_GE(l.version, 1);
    for (const std::string_view ext : l.extensions) {
      EXPECT_TRUE(extensions.insert(ext).second) << "extension ." << ext << " in two rows";
      EXPECT_EQ(ext, to_lower(ext));
      EXPECT_EQ(ext.find('.'), std::string_view::npos) << ext;
    }
    for (const std::string_view f : l.file_names) {
      EXPECT_TRUE(file_names.insert(f).second) << f;
      EXPECT_EQ(f, to_lower(f));
    }
  }
}

TEST(LoaderTable, NamesRoundTripThroughParseAndToString) {
  for (const Loader& l : loaders()) {
    SCOPED_TRACE(std::string(l.name));
    EXPECT_EQ(&loader(l.kind), &l);
    EXPECT_EQ(to_string(l.kind), l.name);
    ASSERT_NE(find_loader(l.name), nullptr);
    EXPECT_EQ(find_loader(l.name)->kind, l.kind);
    EXPECT_EQ(parse_loader(l.name), l.selectable ? std::optional(l.kind) : std::nullopt);
    EXPECT_EQ(is_loader_name(l.name), l.selectable);
  }
  EXPECT_EQ(find_loader("rtf"), nullptr);
  EXPECT_EQ(find_loader(""), nullptr);
}

// The values the store and --loader knew before the table: unchanged.
TEST(LoaderTable, ChoicesVersionsAndMarkdownStructure) {
  EXPECT_EQ(loader_choices(),
            (std::vector<std::string>{"text", "markdown", "html", "pdf", "code", "docx", "odt", "pptx", "epub", "man"}));
  EXPECT_EQ(loader_names(), "text, markdown, html, pdf, code, docx, odt, pptx, epub or man");
  std::vector<std::string> versioned, markdown;
  for (const Loader& l : loaders()) {
    if (l.version > 1) versioned.push_back(std::string(l.name) + " " + std::to_string(l.version));
    if (l.markdown_structure) markdown.emplace_back(l.name);
  }
  EXPECT_EQ(versioned, (std::vector<std::string>{"html 2", "pdf 2", "docx 2", "odt 2"}));
  EXPECT_EQ(markdown, (std::vector<std::string>{"markdown", "html", "docx", "odt", "pptx", "epub", "man", "converter"}));
}

std::string picked(std::string_view bytes, std::string_view name) {
  const std::optional<LoaderKind> kind = pick_loader(bytes, name);
  return kind ? std::string(to_string(*kind)) : "binary";
}

// Every extension and whole file name the loader lists held before the table, in upper and
// lower case: each still picks the same loader whatever the content.
TEST(LoaderTable, LookupByNameGivesTheLoaderOfBefore) {
  const std::vector<std::pair<std::string, std::vector<std::string>>> before = {
      {"markdown", {"md", "markdown", "mdx", "mkd"}},
      {"html", {"html", "htm", "xhtml"}},
      {"pdf", {"pdf"}},
      {"text", {"txt", "rst", "adoc", "org", "csv", "tsv", "json", "yaml", "yml", "toml", "xml", "ini", "log"}},
      {"code", {"c",   "cc",  "cpp",  "cxx", "h",    "hh",    "hpp", "hxx",   "py",   "js",   "mjs",   "cjs",
                "ts",  "tsx", "jsx",  "go",  "rs",   "java",  "kt",  "kts",   "swift", "rb",  "php",   "cs",
                "scala", "sh", "bash", "zsh", "fish", "sql",  "lua", "pl",    "r",    "m",    "mm",    "hs",
                "ml",  "ex",  "exs",  "erl", "clj",  "dart",  "vue", "svelte", "css", "scss", "less",  "cmake"}},
      {"docx", {"docx", "docm", "dotx", "dotm"}},
      {"pptx", {"pptx", "pptm", "potx", "potm", "ppsx", "ppsm"}},
      {"odt", {"odt", "ott"}},
      {"epub", {"epub"}},
      {"binary", {"png", "jpg", "jpeg", "gif", "webp", "ico", "zip", "gz", "tgz", "bz2", "xz", "zst",
                  "7z", "tar", "jar", "class", "o", "a", "so", "dylib", "exe", "dll", "bin", "wasm",
                  "woff", "woff2", "ttf", "otf", "mp3", "mp4", "mov", "avi", "sqlite", "db", "pyc"}},
  };
  for (const auto& [expected, extensions] : before) {
    for (const std::string& ext : extensions) {
      EXPECT_EQ(picked("%PDF-1.4\n", "docs/file." + ext), expected) << ext;
      EXPECT_EQ(picked("<html>", "FILE." + to_upper(ext)), expected) << ext;
    }
  }
  for (const char* name : {"Makefile", "GNUmakefile", "dockerfile", "CMakeLists.txt", "src/CMakeLists.txt"}) {
    EXPECT_EQ(picked("%PDF-", name), "code") << name;
  }
  EXPECT_EQ(picked("plain", "notes.MD"), "markdown");
  EXPECT_EQ(picked("plain", "C:\\docs\\a.md"), "markdown");
}

// Names that say nothing (none, an unknown extension, a dotfile, a document id): the content.
TEST(LoaderTable, LookupBySniffGivesTheLoaderOfBefore) {
  const std::string docx = make_zip({{"[Content_Types].xml", "<Types/>"}, {"word/document.xml", "<w:document/>"}});
  const std::string pptx = make_zip({{"[Content_Types].xml", "<Types/>"}, {"ppt/presentation.xml", "<p/>"}});
  const std::string odt = make_zip({{"mimetype", "application/vnd.oasis.opendocument.text"}, {"content.xml", "<x/>"}});
  const std::string epub = make_zip({{"mimetype", "application/epub+zip"}, {"META-INF/container.xml", "<x/>"}});
  const std::string ods = make_zip({{"mimetype", "application/vnd.oasis.opendocument.spreadsheet"}});
  const std::string zip = make_zip({{"readme.txt", "hello"}});
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"%PDF-1.7\n", "pdf"},
      {docx, "docx"},
      {pptx, "pptx"},
      {odt, "odt"},
      {epub, "epub"},
      {ods, "text"},  // then skipped as a binary zip by load_document
      {zip, "text"},
      {"<!DOCTYPE html><p>x</p>", "html"},
      {"\xEF\xBB\xBF<html>", "html"},
      {"  \n<?xml version=\"1.0\"?>\n<!-- c -->\n<html xmlns=\"x\">", "html"},
      {"<H2 id=a>Title</H2>", "html"},
      {"<p", "text"},
      {"<!-- never closed <html>", "text"},
      {"a < b and <p> later", "text"},
      {"# Title\n", "text"},
      {"\xEF\xBB\xBF%PDF-1.4", "text"},
      {"", "text"},
  };
  for (const char* name : {"README", "notes.xyz", ".gitignore", "doc-17", ""}) {
    for (const auto& [bytes, expected] : cases) {
      EXPECT_EQ(picked(bytes, name), expected) << name << ": " << bytes.substr(0, 24);
    }
  }
}

}  // namespace
}  // namespace strata::ingest
