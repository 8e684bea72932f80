#pragma once
// The public face of core/search: the only header of the area that programs (cli/) include;
// the area's other headers are its own. cli/CMakeLists.txt checks it.
//
// Keyword, vector and hybrid search over a collection, with filters and the reranker.
#include "search/searcher.h"  // IWYU pragma: export
