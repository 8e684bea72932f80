#pragma once
// The public face of core/config: the only header of the area that programs (cli/) include;
// the area's other headers are its own. cli/CMakeLists.txt checks it.
//
// Settings: the key table, files, environment and defaults, each value with where it came from.
#include "config/config.h"  // IWYU pragma: export
// The trust model: what a project's own files may do, and the user's recorded consent.
#include "config/project_root.h"  // IWYU pragma: export
#include "config/trust.h"  // IWYU pragma: export
