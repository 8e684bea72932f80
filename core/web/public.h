#pragma once
// The public face of core/web: what a crawl fetches (the FetchFn seam, fetch_types.h), the
// crawl itself (crawl.h) and the URL helpers a caller needs to name pages (url.h).
#include "web/crawl.h"  // IWYU pragma: export
#include "web/fetch_types.h"  // IWYU pragma: export
#include "web/url.h"  // IWYU pragma: export
