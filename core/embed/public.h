#pragma once
// The public face of core/embed: the only header of the area that programs (cli/) include;
// the area's other headers are its own. cli/CMakeLists.txt checks it.
//
// Embedding: a collection's chunks, texts given on the command line, the vectors step of ingest,
// and their settings.
#include "embed/collection_embed.h"  // IWYU pragma: export
#include "embed/ingest_vectors.h"  // IWYU pragma: export
#include "embed/pipeline.h"  // IWYU pragma: export
#include "embed/settings.h"  // IWYU pragma: export
#include "embed/text_embed.h"  // IWYU pragma: export
