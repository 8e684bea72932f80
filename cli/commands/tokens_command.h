#pragma once
// `strata tokens [FILE...|-]`: counts tokens like wc (the default), or prints the token ids
// (--ids), turns ids back into text (--decode), or cuts the input to N tokens at a character
// boundary (--truncate N), under cl100k_base or o200k_base. All the work is in core/tokenizer.
#include "command.h"

namespace strata::cli {

// Registers `tokens`'s options on `cmd` and returns its run, which returns the exit code: 0, 2
// for a usage error, 3 when an input is missing, unreadable, binary or not UTF-8 (or, for
// --decode, holds something that is not a token id). Like wc, a bad input is reported and the
// others are still processed.
Run setup_tokens(CLI::App& cmd);

}  // namespace strata::cli
