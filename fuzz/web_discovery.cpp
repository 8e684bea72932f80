// Target: what a crawl reads from a web server (core/web): URLs (parse, resolve, normalise),
// robots.txt, sitemaps, llms.txt and HTML links. A page is data from anyone. The first byte picks
// the reader, the rest is its input (a URL reference: resolved against a fixed base). Checks:
// it ends; normalising is idempotent (one spelling per page); every URL a reader returns is
// http(s), has a host, and is already normal; robots.txt answers the same twice and always
// allows /robots.txt; a sitemap holds no more <loc> than its cap.
#include <string>
#include <string_view>

#include "fuzz_util.h"
#include "web/links.h"
#include "web/llms_txt.h"
#include "web/robots.h"
#include "web/sitemap.h"
#include "web/url.h"

using namespace strata;

namespace {

const web::Url& base() {
  static const web::Url url = *web::parse_http_url("https://d.example/guide/a/b.html?q=1");
  return url;
}

void check_normal(const web::Url& url) {
  FUZZ_CHECK(url.scheme == "http" || url.scheme == "https", "not http(s): " + url.to_string());
  FUZZ_CHECK(!url.host.empty(), "no host: " + url.to_string());
  FUZZ_CHECK(web::normalise(url) == url, "not normal: " + url.to_string());
  const auto again = web::parse_http_url(url.to_string());
  FUZZ_CHECK(again && *again == url, "does not read back as itself: " + url.to_string());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view in = fuzz::as_text(data + 1, size - 1);
  switch (data[0] % 5) {
    case 0: {
      if (const auto ref = web::parse_url(in)) {
        const web::Url once = web::normalise(web::resolve(base(), *ref));
        FUZZ_CHECK(web::normalise(once) == once, "normalise is not idempotent: " + once.to_string());
      }
      if (const auto url = web::resolve_http(base(), in)) check_normal(*url);
      break;
    }
    case 1: {
      const web::Robots robots = web::Robots::parse(in);
      const std::string path = "/guide/" + std::string(in.substr(0, 64));
      FUZZ_CHECK(robots.allowed(path) == robots.allowed(path), "not deterministic");
      FUZZ_CHECK(robots.allowed("/robots.txt"), "/robots.txt refused");
      break;
    }
    case 2: {
      web::SitemapLimits limits;
      limits.max_locs = 100;
      limits.max_bytes = std::size_t{4} << 20;
      const web::Sitemap sitemap = web::parse_sitemap(in, limits);
      FUZZ_CHECK(sitemap.locs.size() <= limits.max_locs, "past the cap");
      FUZZ_CHECK(sitemap.kind != web::SitemapKind::other || sitemap.locs.empty(), "locs of a non-sitemap");
      break;
    }
    case 3:
      for (const auto& url : web::extract_markdown_links(in, base(), 1000)) check_normal(url);
      break;
    default: {
      const web::PageLinks links = web::extract_links(in, base(), 1000);
      FUZZ_CHECK(links.links.size() <= 1000, "past the cap");
      for (const auto& url : links.links) check_normal(url);
      if (links.canonical) check_normal(*links.canonical);
      break;
    }
  }
  return 0;
}
