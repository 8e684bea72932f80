// Links of HTML pages and of llms.txt.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "web/links.h"
#include "web/llms_txt.h"

namespace strata::web {
namespace {

Url page(const std::string& text) { return parse_http_url(text).value_or(Url{}); }

std::vector<std::string> strings(const std::vector<Url>& urls) {
  std::vector<std::string> out;
  for (const auto& url : urls) out.push_back(url.to_string());
  return out;
}

TEST(WebLinks, ResolvesAnchorsAgainstThePageDeduplicatesAndDropsOtherSchemes) {
  const PageLinks links = extract_links(
      "<html><head><link rel=\"Canonical\" href=\"/guide/intro.html\"></head><body>"
      "<a href=\"setup.html#install\">Setup</a> <a href=\"setup.html\">again</a>"
      "<a href=\"#top\">top</a><a href=\"mailto:x@d.example\">mail</a><a>no href</a>"
      "<a href=\"javascript:go()\">js</a><map><area href=\"../api/\"></map>"
      "<a href=\" https://other.example/x \">out</a></body></html>",
      page("https://d.example/guide/intro.html?from=nav"));
  EXPECT_EQ(strings(links.links),
            (std::vector<std::string>{"https://d.example/guide/setup.html", "https://d.example/guide/intro.html?from=nav",
                                      "https://d.example/api/", "https://other.example/x"}));
  ASSERT_TRUE(links.canonical);
  EXPECT_EQ(links.canonical->to_string(), "https://d.example/guide/intro.html");
  EXPECT_FALSE(links.nofollow_page);
}

TEST(WebLinks, UsesTheFirstBaseHref) {
  const PageLinks links = extract_links(
      "<head><base href=\"https://d.example/docs/v2/\"><base href=\"/ignored/\"></head>"
      "<a href=\"a.html\">a</a><a href=\"/root.html\">root</a>",
      page("https://d.example/guide/x.html"));
  EXPECT_EQ(strings(links.links),
            (std::vector<std::string>{"https://d.example/docs/v2/a.html", "https://d.example/root.html"}));
}

TEST(WebLinks, HonoursNofollowOnALinkAndOnThePage) {
  const Url base = page("https://d.example/");
  const PageLinks some = extract_links(
      "<a href=\"/a\" rel=\"nofollow\">a</a><a href=\"/b\" rel=\"noopener NoFollow\">b</a><a href=\"/c\">c</a>", base);
  EXPECT_EQ(strings(some.links), (std::vector<std::string>{"https://d.example/c"}));
  const PageLinks none = extract_links(
      "<head><meta name=\"ROBOTS\" content=\"noindex, nofollow\"></head><a href=\"/c\">c</a>", base);
  EXPECT_TRUE(none.nofollow_page);
  EXPECT_TRUE(none.links.empty());
}

TEST(WebLinks, CapsTheNumberOfLinksAndSurvivesDeepNesting) {
  std::string html;
  for (int i = 0; i < 50; ++i) html += "<a href=\"/p" + std::to_string(i) + "\">x</a>";
  EXPECT_EQ(extract_links(html, page("https://d.example/"), 10).links.size(), 10u);
  std::string nested;
  for (int i = 0; i < 20000; ++i) nested += "<span>";
  nested += "<a href=\"/deep\">d</a>";
  EXPECT_EQ(strings(extract_links(nested, page("https://d.example/")).links),
            (std::vector<std::string>{"https://d.example/deep"}));
}

TEST(WebLlmsTxt, ReadsTheLinksOfTheMarkdownOutsideCode) {
  const std::string md =
      "# Project\n\n> Summary\n\n## Docs\n\n"
      "- [Intro](intro.md): start here\n"
      "- [API](/guide/api.html \"The API\")\n"
      "- [Angle](<spaced name.md>)\n"
      "- [Paren](wiki/A_(b).html)\n"
      "- [Again](intro.md#x)\n"
      "- [Mail](mailto:a@d.example)\n"
      "```\n[Not](in-fence.md)\n```\n"
      "Inline `[code](in-code.md)` stays out.\n"
      "## Optional\n- [Elsewhere](https://other.example/x)\n";
  EXPECT_EQ(strings(extract_markdown_links(md, page("https://d.example/guide/llms.txt"))),
            (std::vector<std::string>{"https://d.example/guide/intro.md", "https://d.example/guide/api.html",
                                      "https://d.example/guide/spaced%20name.md",
                                      "https://d.example/guide/wiki/A_(b).html", "https://other.example/x"}));
}

}  // namespace
}  // namespace strata::web
