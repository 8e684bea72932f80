#pragma once
// The public face of core/ingest: the only header of the area that programs (cli/) include;
// the area's other headers are its own. cli/CMakeLists.txt checks it.
//
// Documents from files, folders and pipes into the store: the request, chunk settings, the loader
// table (--loader's choices), the project root and source ids.
#include "ingest/chunk_settings.h"  // IWYU pragma: export
#include "ingest/ingest.h"  // IWYU pragma: export
#include "ingest/loaders.h"  // IWYU pragma: export
#include "ingest/named_document.h"  // IWYU pragma: export
#include "ingest/project_root.h"  // IWYU pragma: export
#include "ingest/source_id.h"  // IWYU pragma: export
