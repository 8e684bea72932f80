#pragma once
// The public face of core/chunk: the only header of the area that programs (cli/) include;
// the area's other headers are its own. cli/CMakeLists.txt checks it.
//
// Splitting text into chunks: the strategies, LangChain-compatible output, lossy-input reports, and
// the rules chunk settings obey (check_chunking) with their errors.
#include "chunk/chunker.h"  // IWYU pragma: export
#include "chunk/lossy.h"  // IWYU pragma: export
#include "chunk/option_rules.h"  // IWYU pragma: export
