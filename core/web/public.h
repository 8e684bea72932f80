#pragma once
// The public face of core/web: the only header of the area that programs (cli/) include.
//
// Fetching web pages safely (fetcher.h: addresses checked after resolution and on every
// redirect, limits, no cookies, headers from the environment).
#include "web/fetch_types.h"  // IWYU pragma: export
#include "web/fetcher.h"  // IWYU pragma: export
