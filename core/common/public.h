#pragma once
// The public face of core/common: the only header of the area that programs (cli/) include;
// the area's other headers are its own. cli/CMakeLists.txt checks it.
//
// What every area shares: the one error type and its exit codes, text and UTF-8 helpers, display
// width, the clock, the one bounded JSON parse, replacing a file whole.
#include "common/atomic_file.h"  // IWYU pragma: export
#include "common/clock.h"  // IWYU pragma: export
#include "common/display_width.h"  // IWYU pragma: export
#include "common/error.h"  // IWYU pragma: export
#include "common/setting.h"  // IWYU pragma: export
#include "common/json_limits.h"  // IWYU pragma: export
#include "common/text.h"  // IWYU pragma: export
#include "common/trace.h"  // IWYU pragma: export
#include "common/utf8.h"  // IWYU pragma: export
