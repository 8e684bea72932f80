#pragma once
// The public face of core/service: the only header of the area that programs (cli/) include;
// the area's other headers are its own. cli/CMakeLists.txt checks it.
//
// What users ask of the store, one operation at a time, for every door (the CLI, `strata mcp`,
// ask's own tools, an HTTP server): each operation's request with its defaults, limits and
// checks, and its result, described once as a table of fields (description.h) from which the
// doors' JSON Schemas are made.
#include "service/ask.h"  // IWYU pragma: export
#include "service/breaker.h"  // IWYU pragma: export
#include "service/call_scope.h"  // IWYU pragma: export
#include "service/description.h"  // IWYU pragma: export
#include "service/documents.h"  // IWYU pragma: export
#include "service/ingest.h"  // IWYU pragma: export
#include "service/json_arguments.h"  // IWYU pragma: export
#include "service/migrate_reports.h"  // IWYU pragma: export
#include "service/profile.h"  // IWYU pragma: export
#include "service/search.h"  // IWYU pragma: export
#include "service/session.h"  // IWYU pragma: export
