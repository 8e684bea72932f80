#pragma once
// The public face of core/llm: the only header of the area that programs (cli/) include;
// the area's other headers are its own. cli/CMakeLists.txt checks it.
//
// Model output and prompts: the packed sources shown with an answer, and the terminal sanitiser
// every untrusted text goes through.
#include "llm/context_pack.h"  // IWYU pragma: export
#include "llm/sanitize.h"  // IWYU pragma: export
