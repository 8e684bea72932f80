// core/serve's web page (page.h) through the router, as the server calls it: the page and its
// files with their security headers, the search and the cited lines rendered without JavaScript,
// and a document's markup shown as text (escaped), never as markup.
#include <gtest/gtest.h>

#include <string>

#include "http/metrics.h"
#include "http/router.h"
#include "serve/api.h"
#include "serve/page.h"
#include "test_util.h"

#include "served_api.h"

namespace strata::serve {
namespace {

struct PageServed : ServedApi {
  PageServed() {
    worker = 0;
    serve(1);
  }
  http::Response get(const std::string& target) { return call(http::Method::get, target); }
};

void expect_page_headers(const http::Response& r) {
  ASSERT_NE(r.header("Content-Security-Policy"), nullptr);
  EXPECT_NE(r.header("Content-Security-Policy")->find("default-src 'self'"), std::string::npos);
  EXPECT_NE(r.header("Content-Security-Policy")->find("frame-ancestors 'none'"), std::string::npos);
  ASSERT_NE(r.header("X-Content-Type-Options"), nullptr);
  EXPECT_EQ(*r.header("X-Content-Type-Options"), "nosniff");
  ASSERT_NE(r.header("Referrer-Policy"), nullptr);
  EXPECT_EQ(*r.header("Referrer-Policy"), "no-referrer");
}

std::size_t count(const std::string& text, const std::string& part) {
  std::size_t n = 0;
  for (std::size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++n;
  return n;
}

TEST(ServePage, HtmlEscapeEscapesMarkupAndQuotes) {
  EXPECT_EQ(html_escape(R"(<a href="x" title='y'>&</a>)"), "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;");
  EXPECT_EQ(html_escape("plain text"), "plain text");
}

TEST(ServePage, ThePageAndItsFilesCarryTheSecurityHeaders) {
  PageServed s;
  const http::Response page = s.get("/");
  EXPECT_EQ(page.status, 200);
  EXPECT_EQ(*page.header("Content-Type"), "text/html; charset=utf-8");
  expect_page_headers(page);
  EXPECT_NE(page.body.find(R"(<script src="/static/app.js" defer></script>)"), std::string::npos);
  // No placeholder is left, and no inline script or style (the CSP would refuse it anyway).
  EXPECT_EQ(page.body.find("{{"), std::string::npos);
  EXPECT_EQ(count(page.body, "<script"), 1U);
  EXPECT_EQ(page.body.find("<style"), std::string::npos);
  EXPECT_EQ(page.body.find(" style="), std::string::npos);
  EXPECT_EQ(page.body.find(" onclick="), std::string::npos);
  // Without a store yet: the page says so, in the API's words.
  EXPECT_NE(page.body.find("no store at"), std::string::npos) << page.body;

  const http::Response js = s.get("/static/app.js");
  EXPECT_EQ(js.status, 200);
  EXPECT_EQ(*js.header("Content-Type"), "text/javascript; charset=utf-8");
  expect_page_headers(js);
  const http::Response css = s.get("/static/app.css");
  EXPECT_EQ(css.status, 200);
  EXPECT_EQ(*css.header("Content-Type"), "text/css; charset=utf-8");
  expect_page_headers(css);
  // The icon the page names (a browser asks /favicon.ico for a page that names none: a 404).
  EXPECT_NE(page.body.find(R"(<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">)"), std::string::npos);
  const http::Response icon = s.get("/static/favicon.svg");
  EXPECT_EQ(icon.status, 200);
  EXPECT_EQ(*icon.header("Content-Type"), "image/svg+xml");
  EXPECT_EQ(*icon.header("Cache-Control"), "no-cache");
  expect_page_headers(icon);
  // Only the page's script, style and icon; the page itself is at / alone.
  EXPECT_EQ(s.get("/static/index.html").status, 404);
  EXPECT_EQ(s.get("/static/nothing.js").status, 404);
}

TEST(ServePage, WithoutJavaScriptTheFormSearchesAndACitationOpensItsLines) {
  PageServed s;
  ASSERT_EQ(s.call(http::Method::post, "/api/v1/collections/docs/documents",
                   R"({"source": "guide/rollback.md", "text": "# Rollback\n\nTo roll back a migration run down.\nIt undoes the newest.\n"})")
                .status,
            200);
  const http::Response found = s.get("/?q=roll+back&collection=docs");
  EXPECT_EQ(found.status, 200);
  EXPECT_NE(found.body.find(R"(<option value="docs" selected>docs</option>)"), std::string::npos) << found.body;
  EXPECT_NE(found.body.find(R"(value="roll back")"), std::string::npos);
  EXPECT_NE(found.body.find(">guide/rollback.md:L1-L4</a>"), std::string::npos) << found.body;
  EXPECT_NE(found.body.find("href=\"/?q=roll%20back&amp;collection=docs&amp;source=guide%2Frollback.md&amp;start_line=1&amp;end_line=4\""),
            std::string::npos)
      << found.body;
  EXPECT_EQ(found.body.find(R"(id="results-section" aria-labelledby="results-heading" hidden)"), std::string::npos);

  const http::Response passage = s.get("/?collection=docs&source=guide%2Frollback.md&start_line=3&end_line=3");
  EXPECT_EQ(passage.status, 200);
  EXPECT_NE(passage.body.find(">guide/rollback.md:L3</p>"), std::string::npos) << passage.body;
  EXPECT_NE(passage.body.find(R"(<pre id="passage" class="passage">To roll back a migration run down.)"), std::string::npos) << passage.body;

  // A collection that is not there: the notice, in the API's words, escaped.
  const http::Response missing = s.get("/?q=x&collection=%3Cb%3E");
  EXPECT_EQ(missing.status, 200);
  EXPECT_EQ(missing.body.find("<b>"), std::string::npos);
  EXPECT_NE(missing.body.find("&lt;b&gt;"), std::string::npos);
}

TEST(ServePage, ADocumentsMarkupIsShownAsTextNeverAsMarkup) {
  PageServed s;
  ASSERT_EQ(s.call(http::Method::post, "/api/v1/collections/docs/documents",
                   R"({"source": "evil.txt", "text": "payload <script>window.pwned=1</script> <img src=x onerror=\"window.pwned=1\"> {{results}}\n"})")
                .status,
            200);
  const http::Response found = s.get("/?q=payload");
  EXPECT_EQ(found.status, 200);
  EXPECT_NE(found.body.find("payload &lt;script&gt;window.pwned=1&lt;/script&gt; &lt;img src=x onerror=&quot;window.pwned=1&quot;&gt;"),
            std::string::npos)
      << found.body;
  EXPECT_EQ(count(found.body, "<script"), 1U);
  EXPECT_EQ(found.body.find("<img"), std::string::npos);
  // A placeholder in a document's text is text: filled once, never read again.
  EXPECT_NE(found.body.find("{{results}}"), std::string::npos);
  const http::Response passage = s.get("/?source=evil.txt&start_line=1&end_line=1");
  EXPECT_EQ(count(passage.body, "<script"), 1U);
  EXPECT_NE(passage.body.find("&lt;img src=x"), std::string::npos);
}

}  // namespace
}  // namespace strata::serve
