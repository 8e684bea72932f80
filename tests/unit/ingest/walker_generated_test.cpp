// walk() and generated files: skipped and reported by kind unless include_generated; named
// roots always visited; Sphinx's _sources copies only when their HTML page is there too.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "ingest/walker.h"
#include "test_util.h"

namespace strata::ingest {
namespace {

using strata::testing::TempDir;
using strata::testing::write_file;
using Paths = std::vector<std::string>;

struct Walked {
  Paths visited;
  Paths skipped;  // "path kind"
};

class WalkerGeneratedTest : public ::testing::Test {
 protected:
  Walked walk_in(const Paths& roots, const WalkOptions& options = {}) {
    Paths absolute;
    for (const std::string& root : roots) absolute.push_back(dir_ / root);
    Walked out;
    const std::string prefix = dir_.path().string() + "/";
    const auto rel = [&](const std::filesystem::path& p) {
      const std::string s = p.string();
      return s.starts_with(prefix) ? s.substr(prefix.size()) : s;
    };
    walk(
        absolute, options, [&](const WalkEntry& e) { out.visited.push_back(rel(e.path)); },
        [](const WalkError& e) { ADD_FAILURE() << e.path << ": " << e.message; },
        [&](const WalkSkip& s) { out.skipped.push_back(rel(s.path) + " " + std::string(s.kind)); });
    return out;
  }

  void touch(const std::string& path) { write_file(dir_ / path, "x"); }

  // A Sphinx HTML build as Debian's python3-doc ships it, in miniature.
  void sphinx_build() {
    for (const char* p : {"h/index.html", "h/library/os.html", "h/genindex.html", "h/genindex-A.html", "h/search.html",
                          "h/searchindex.js", "h/objects.inv", "h/_sources/index.rst.txt", "h/_sources/library/os.rst.txt",
                          "h/_sources/library/gone.rst.txt", "h/_static/basic.css", "h/_static/doctools.js",
                          "h/_static/py.svg", "h/_images/flow.svg", "h/_downloads/example.py"}) {
      touch(p);
    }
  }

  TempDir dir_;
};

TEST_F(WalkerGeneratedTest, ASphinxBuildKeepsItsPagesOnly) {
  sphinx_build();
  const Walked w = walk_in({"h"});
  EXPECT_EQ(w.visited, (Paths{"h/_downloads/example.py", "h/_sources/library/gone.rst.txt", "h/index.html",
                              "h/library/os.html"}))
      << "a _sources copy whose page is missing is the only text of that page: kept";
  EXPECT_EQ(w.skipped, (Paths{"h/_images/flow.svg svg", "h/_sources/index.rst.txt sphinx-sources",
                              "h/_sources/library/os.rst.txt sphinx-sources", "h/_static/basic.css site-assets",
                              "h/_static/doctools.js site-assets", "h/_static/py.svg site-assets",
                              "h/genindex-A.html index-page", "h/genindex.html index-page", "h/objects.inv search-index",
                              "h/search.html site-assets", "h/searchindex.js search-index"}));
}

TEST_F(WalkerGeneratedTest, IncludeGeneratedVisitsEverything) {
  sphinx_build();
  WalkOptions options;
  options.include_generated = true;
  const Walked w = walk_in({"h"}, options);
  EXPECT_EQ(w.visited.size(), 15u);
  EXPECT_TRUE(w.skipped.empty());
}

TEST_F(WalkerGeneratedTest, NamedRootsAreTheUsersChoice) {
  sphinx_build();
  const Walked w = walk_in({"h/searchindex.js", "h/_static", "h/_sources"});
  EXPECT_EQ(w.visited, (Paths{"h/searchindex.js", "h/_static/basic.css", "h/_static/doctools.js",
                              "h/_sources/index.rst.txt", "h/_sources/library/gone.rst.txt",
                              "h/_sources/library/os.rst.txt"}))
      << "a folder given as a root is walked as any folder";
  EXPECT_EQ(w.skipped, (Paths{"h/_static/py.svg svg"})) << "named by name below a root: still skipped";
}

TEST_F(WalkerGeneratedTest, SourcesCopiesAreKeptWhenTheirPagesAreLeftOut) {
  sphinx_build();
  WalkOptions options;
  options.globs = {"*.txt"};
  EXPECT_EQ(walk_in({"h"}, options).visited,
            (Paths{"h/_sources/index.rst.txt", "h/_sources/library/gone.rst.txt", "h/_sources/library/os.rst.txt"}))
      << "the pages are not ingested: the copies are the text";
  options.globs.clear();
  options.excludes = {"library/os.html"};
  const Walked w = walk_in({"h"}, options);
  EXPECT_NE(std::find(w.visited.begin(), w.visited.end(), "h/_sources/library/os.rst.txt"), w.visited.end());
  EXPECT_EQ(std::find(w.visited.begin(), w.visited.end(), "h/_sources/index.rst.txt"), w.visited.end());
}

TEST_F(WalkerGeneratedTest, StaticIsOnlySkippedInASphinxBuild) {
  touch("site/_static/app.js");
  touch("site/index.html");
  EXPECT_EQ(walk_in({"site"}).visited, (Paths{"site/_static/app.js", "site/index.html"}));
}

TEST_F(WalkerGeneratedTest, GeneratedFilesDeepInAProject) {
  for (const char* p : {"p/docs/img/logo.svg", "p/docs/index.md", "p/site/search/search_index.json",
                        "p/site/sitemap.xml", "p/site/assets/js/main.3f2a1b9c.js", "p/site/index.html",
                        "p/build/_sources/a.rst.txt", "p/build/a.html", "p/build/.buildinfo"}) {
    touch(p);
  }
  const Walked w = walk_in({"p"});
  EXPECT_EQ(w.visited, (Paths{"p/build/a.html", "p/docs/index.md", "p/site/index.html"}));
  EXPECT_EQ(w.skipped, (Paths{"p/build/_sources/a.rst.txt sphinx-sources", "p/docs/img/logo.svg svg",
                              "p/site/assets/js/main.3f2a1b9c.js site-assets",
                              "p/site/search/search_index.json search-index", "p/site/sitemap.xml sitemap"}));
}

TEST_F(WalkerGeneratedTest, WithoutASkipCallbackTheyAreLeftOutSilently) {
  touch("d/a.svg");
  touch("d/b.md");
  Paths visited;
  walk({dir_ / "d"}, {}, [&](const WalkEntry& e) { visited.push_back(e.path.filename().string()); },
       [](const WalkError&) {});
  EXPECT_EQ(visited, (Paths{"b.md"}));
}

}  // namespace
}  // namespace strata::ingest
