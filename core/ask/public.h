#pragma once
// The public face of core/ask: the only header of the area that programs (cli/) include;
// the area's other headers are its own. cli/CMakeLists.txt checks it.
//
// `strata ask`: a question answered from a collection, with checked citations.
#include "ask/ask.h"  // IWYU pragma: export
#include "ask/chat.h"  // IWYU pragma: export
#include "ask/user_state.h"  // IWYU pragma: export
