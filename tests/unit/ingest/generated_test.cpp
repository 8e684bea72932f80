// Which files are not documents by default, by name (generated.h).
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "ingest/generated.h"

namespace strata::ingest {
namespace {

std::string kind(const std::string& name, const std::string& folder = "docs", bool sphinx = false) {
  const auto k = generated_file_kind(name, folder, sphinx);
  return k ? std::string(*k) : "document";
}

TEST(GeneratedTest, PicturesAndDiagramsStoredAsText) {
  EXPECT_EQ(kind("logo.svg"), "svg");
  EXPECT_EQ(kind("Logo.SVG"), "svg");
  EXPECT_EQ(kind("icons.svgz"), "svg");
  EXPECT_EQ(kind("flow.drawio"), "drawio");
  EXPECT_EQ(kind("flow.drawio.svg"), "drawio");
  EXPECT_EQ(kind("flow.drawio.png"), "drawio");
  EXPECT_EQ(kind("flow.dio"), "drawio");
  EXPECT_EQ(kind("svg.md"), "document");
  EXPECT_EQ(kind("drawio-howto.md"), "document");
}

TEST(GeneratedTest, SearchIndexesOfTheCommonGenerators) {
  for (const char* name : {"searchindex.js", "searchindex.json", "search_index.json", "search_index.js", "objects.inv",
                           "search-index.json", "search-index-3f2a1b.json", "search-index.js", "search-index1.58.0.js",
                           "search-doc.json", "search-doc-1700000000.json", "lunr-index.json", "lunr-index-1.json",
                           "member-search-index.js", "type-search-index.js", "python3.11.devhelp.gz",
                           "gtk4.devhelp2", "Python.qhp", "Python.qhcp", "python311.hhc", "python311.HHK"}) {
    EXPECT_EQ(kind(name), "search-index") << name;
  }
  for (const char* name : {"search.md", "indexing.html", "search-index.md", "search.js", "index.json", "objects.txt",
                           "devhelp.md", "qhp-notes.txt", "changelog.html.gz"}) {
    EXPECT_EQ(kind(name), "document") << name;
  }
}

TEST(GeneratedTest, IndexPages) {
  for (const char* name : {"genindex.html", "genindex-A.html", "genindex-all.html", "bookindex.html",
                           "py-modindex.html", "index-all.html"}) {
    EXPECT_EQ(kind(name), "index-page") << name;
  }
  EXPECT_EQ(kind("index-1.html", "index-files"), "index-page") << "Javadoc's split index";
  EXPECT_EQ(kind("index-1.html", "docs"), "document");
  for (const char* name : {"index.html", "indexes.html", "sql-createindex.html", "genindex.md", "bookindex.txt"}) {
    EXPECT_EQ(kind(name), "document") << name;
  }
}

TEST(GeneratedTest, SiteAssetsAndSitemaps) {
  for (const char* name : {"jquery.min.js", "theme.min.css", "app.js.map", "site.css.map", "main.3f2a1b9c.js",
                           "runtime~main.1a2b3c4d5e.css"}) {
    EXPECT_EQ(kind(name), "site-assets") << name;
  }
  for (const char* name : {"main.js", "app.v2.js", "style.css", "main.3f2a.js", "main.3f2a1b9z.js", "minimal.js"}) {
    EXPECT_EQ(kind(name), "document") << name;
  }
  EXPECT_EQ(kind("sitemap.xml"), "sitemap");
  EXPECT_EQ(kind("sitemap-0.xml"), "sitemap");
  EXPECT_EQ(kind("sitemap.xml.gz"), "sitemap");
  EXPECT_EQ(kind("sitemaps.md"), "document");
}

TEST(GeneratedTest, SphinxSearchPageAndStaticFolderOnlyInASphinxBuild) {
  EXPECT_EQ(kind("search.html", "html", true), "site-assets");
  EXPECT_EQ(kind("search.html", "html", false), "document");
  EXPECT_EQ(generated_folder_kind("_static", true), generated::site_assets);
  EXPECT_EQ(generated_folder_kind("_static", false), std::nullopt);
  EXPECT_EQ(generated_folder_kind("static", true), std::nullopt);
}

TEST(GeneratedTest, SphinxOutputIsToldByItsMarkers) {
  const auto with = [](std::vector<std::string> names) {
    return is_sphinx_output([&](std::string_view n) { return std::find(names.begin(), names.end(), n) != names.end(); });
  };
  EXPECT_TRUE(with({"index.html", "searchindex.js"}));
  EXPECT_TRUE(with({"objects.inv"}));
  EXPECT_TRUE(with({".buildinfo"}));
  EXPECT_FALSE(with({"index.html", "_static", "_sources"}));
}

TEST(GeneratedTest, PagesASourcesCopyMayBelongTo) {
  EXPECT_EQ(sphinx_page_candidates("library/os.rst.txt"), (std::vector<std::string>{"library/os.html", "library/os.rst.html"}));
  EXPECT_EQ(sphinx_page_candidates("index.md.txt"), (std::vector<std::string>{"index.html", "index.md.html"}));
  EXPECT_EQ(sphinx_page_candidates("library/os.txt"), (std::vector<std::string>{"library/os.html"})) << "Sphinx before 1.5";
  EXPECT_EQ(sphinx_page_candidates("a.b/os.txt"), (std::vector<std::string>{"a.b/os.html"})) << "a dot in a folder";
  EXPECT_EQ(sphinx_page_candidates("library/os.rst"), (std::vector<std::string>{"library/os.html", "library/os.rst.html"}))
      << "html_sourcelink_suffix = ''";
  EXPECT_EQ(sphinx_page_candidates(".txt"), (std::vector<std::string>{}));
}

}  // namespace
}  // namespace strata::ingest
