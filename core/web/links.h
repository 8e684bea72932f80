#pragma once
// The links of an HTML page a crawl follows, resolved to absolute, normalised URLs.
//   - <a href> and <area href>, resolved against <base href> when the page has one (the first,
//     as browsers take it), else against the page's own URL;
//   - rel="nofollow" on a link, and <meta name="robots"> with "nofollow" or "none" for the whole
//     page, are honoured: such links are not followed (a documentation site marks with them
//     what it does not want crawled: print views, search results, edit links);
//   - <link rel="canonical" href> is the page's canonical URL, reported apart: the ingest side
//     records the page under it, and the crawl does not fetch it again;
//   - links to other schemes (mailto:, javascript:) and unparsable ones are dropped; a fragment
//     is dropped (so "#top" is the page itself), as are duplicates. At most `max_links` (the rest
//     ignored: a page is data, and bounded).
#include <gumbo.h>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "web/url.h"

namespace strata::web {

struct PageLinks {
  std::vector<Url> links;    // in document order, de-duplicated
  std::optional<Url> canonical;
  bool nofollow_page = false;  // <meta name="robots" content="nofollow">: `links` is empty
};

PageLinks extract_links(std::string_view html, const Url& page_url, std::size_t max_links = 10000);
// The same from a page parsed already (the HTML loader's tree: a crawled page parsed once).
PageLinks extract_links(const GumboNode& root, const Url& page_url, std::size_t max_links = 10000);

}  // namespace strata::web
