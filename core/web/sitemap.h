#pragma once
// sitemap.xml (sitemaps.org): a <urlset> lists pages, a <sitemapindex> lists more sitemaps; both
// put each URL in a <loc>. Read by a small scanner rather than libxml2: core does not link
// libxml2 (only the office module does, and with it ICU, a cost every command would pay at
// start-up), and a sitemap needs nothing of XML past elements, character references and CDATA.
// A DOCTYPE is skipped, never read: no entity is defined or expanded, nothing is loaded.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace strata::web {

enum class SitemapKind { urlset, index, other };

struct Sitemap {
  SitemapKind kind = SitemapKind::other;
  std::vector<std::string> locs;  // as written, whitespace trimmed, references decoded
  bool truncated = false;         // more <loc> than the cap; the rest was ignored
};

struct SitemapLimits {
  // The protocol's own caps: 50,000 URLs and 50 MB (uncompressed) per file.
  std::size_t max_locs = 50000;
  std::size_t max_bytes = std::size_t{50} << 20;
};

// The sitemap in `body`: gzip data (a .xml.gz served as it is) is inflated first, within
// `limits.max_bytes`. Not a sitemap (HTML, broken gzip, another root element): kind `other`, no
// locs.
Sitemap parse_sitemap(std::string_view body, const SitemapLimits& limits = {});

}  // namespace strata::web
