#pragma once
// The public face of core/web: the only header of the area that programs (cli/) include.
// Fetching web pages safely (fetcher.h: addresses checked after resolution and on every
// redirect, limits, no cookies, headers from the environment), the FetchFn seam
// (fetch_types.h), the crawl (crawl.h) and the URL helpers a caller needs to name pages (url.h).
#include "web/crawl.h"  // IWYU pragma: export
#include "web/fetch_types.h"  // IWYU pragma: export
#include "web/fetcher.h"  // IWYU pragma: export
#include "web/url.h"  // IWYU pragma: export
