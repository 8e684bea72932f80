#pragma once
// The public face of core/store: the only header of the area that programs (cli/) include;
// the area's other headers are its own. cli/CMakeLists.txt checks it.
//
// The knowledge store: opening it, its collections and documents, and the logged exchanges of ask.
#include "store/api_keys.h"  // IWYU pragma: export
#include "store/ask_store.h"  // IWYU pragma: export
#include "store/catalog.h"  // IWYU pragma: export
#include "store/collection_copy.h"  // IWYU pragma: export
#include "store/collections.h"  // IWYU pragma: export
#include "store/jobs.h"  // IWYU pragma: export
#include "store/store.h"  // IWYU pragma: export
#include "store/team_grants.h"  // IWYU pragma: export
