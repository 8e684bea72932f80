#pragma once
// The public face of core/tokenizer: the only header of the area that programs (cli/) include;
// the area's other headers are its own. cli/CMakeLists.txt checks it.
//
// tiktoken-identical BPE tokenizers (cl100k_base, o200k_base).
#include "tokenizer/tokenizer.h"  // IWYU pragma: export
