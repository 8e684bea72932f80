// sitemap.xml: a urlset, an index, gzip, entities, caps, and what is not a sitemap.
#include <gtest/gtest.h>
#include <zlib.h>

#include <string>

#include "web/sitemap.h"

namespace strata::web {
namespace {

std::string gzip(const std::string& text) {
  z_stream stream{};
  EXPECT_EQ(deflateInit2(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY), Z_OK);
  std::string out(compressBound(static_cast<uLong>(text.size())) + 64, '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
  stream.avail_in = static_cast<uInt>(text.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(deflate(&stream, Z_FINISH), Z_STREAM_END);
  out.resize(stream.total_out);
  deflateEnd(&stream);
  return out;
}

const std::string k_urlset =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<!-- generated -->\n"
    "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n"
    "  <url><loc>https://d.example/guide/</loc><lastmod>2026-01-01</lastmod></url>\n"
    "  <url><loc>\n    https://d.example/guide/a.html?x=1&amp;y=2\n  </loc></url>\n"
    "  <url><loc><![CDATA[https://d.example/guide/b.html?p=<1>]]></loc></url>\n"
    "  <url><loc>https://d.example/guide/&#99;.html</loc></url>\n"
    "</urlset>\n";

TEST(WebSitemap, ReadsTheLocsOfAUrlset) {
  const Sitemap sitemap = parse_sitemap(k_urlset);
  EXPECT_EQ(sitemap.kind, SitemapKind::urlset);
  ASSERT_EQ(sitemap.locs.size(), 4u);
  EXPECT_EQ(sitemap.locs[0], "https://d.example/guide/");
  EXPECT_EQ(sitemap.locs[1], "https://d.example/guide/a.html?x=1&y=2");
  EXPECT_EQ(sitemap.locs[2], "https://d.example/guide/b.html?p=<1>");
  EXPECT_EQ(sitemap.locs[3], "https://d.example/guide/c.html");
  EXPECT_FALSE(sitemap.truncated);
}

TEST(WebSitemap, ReadsAnIndexWithPrefixedNames) {
  const Sitemap index = parse_sitemap(
      "<sm:sitemapindex xmlns:sm=\"http://www.sitemaps.org/schemas/sitemap/0.9\">"
      "<sm:sitemap><sm:loc>https://d.example/s1.xml</sm:loc></sm:sitemap>"
      "<sm:sitemap><sm:loc>https://d.example/s2.xml.gz</sm:loc><sm:lastmod>x</sm:lastmod></sm:sitemap>"
      "</sm:sitemapindex>");
  EXPECT_EQ(index.kind, SitemapKind::index);
  ASSERT_EQ(index.locs.size(), 2u);
  EXPECT_EQ(index.locs[1], "https://d.example/s2.xml.gz");
}

TEST(WebSitemap, InflatesGzipWithinTheCap) {
  const Sitemap sitemap = parse_sitemap(gzip(k_urlset));
  EXPECT_EQ(sitemap.kind, SitemapKind::urlset);
  EXPECT_EQ(sitemap.locs.size(), 4u);
  // A bomb: far more than the cap once inflated.
  const std::string bomb = gzip("<urlset>" + std::string(std::size_t{4} << 20, ' ') + "</urlset>");
  SitemapLimits limits;
  limits.max_bytes = std::size_t{1} << 20;
  EXPECT_EQ(parse_sitemap(bomb, limits).kind, SitemapKind::other);
  EXPECT_EQ(parse_sitemap(bomb.substr(0, bomb.size() / 2)).kind, SitemapKind::other);  // truncated
}

TEST(WebSitemap, NeverExpandsADoctypesEntities) {
  const Sitemap sitemap = parse_sitemap(
      "<?xml version=\"1.0\"?>\n"
      "<!DOCTYPE urlset [ <!ENTITY xxe SYSTEM \"file:///etc/passwd\"> <!ENTITY a \"https://evil.example/\"> ]>\n"
      "<urlset><url><loc>&xxe;</loc></url><url><loc>&a;x</loc></url>"
      "<url><loc>https://d.example/ok</loc></url></urlset>");
  EXPECT_EQ(sitemap.kind, SitemapKind::urlset);
  ASSERT_EQ(sitemap.locs.size(), 1u);
  EXPECT_EQ(sitemap.locs[0], "https://d.example/ok");
}

TEST(WebSitemap, CapsTheLocsAndRefusesWhatIsNotASitemap) {
  std::string big = "<urlset>";
  for (int i = 0; i < 20; ++i) big += "<url><loc>https://d.example/" + std::to_string(i) + "</loc></url>";
  big += "</urlset>";
  SitemapLimits limits;
  limits.max_locs = 5;
  const Sitemap capped = parse_sitemap(big, limits);
  EXPECT_EQ(capped.locs.size(), 5u);
  EXPECT_TRUE(capped.truncated);
  EXPECT_EQ(parse_sitemap("<html><body><loc>https://d.example/</loc></body></html>").kind, SitemapKind::other);
  EXPECT_TRUE(parse_sitemap("<html><loc>https://d.example/</loc></html>").locs.empty());
  EXPECT_EQ(parse_sitemap("").kind, SitemapKind::other);
  EXPECT_TRUE(parse_sitemap("<urlset><url><loc>https://d.example/unclosed").locs.empty());
}

}  // namespace
}  // namespace strata::web
