#pragma once
// `strata chunk [FILE...|-]`: reads documents, splits them with core/chunk and writes the
// chunks as JSON Lines, one JSON array, or readable text. All the splitting is in core/chunk.
#include <string>
#include <string_view>

#include "commands.h"

namespace strata::cli {

// Registers `chunk`'s options on `cmd` and returns its run (commands.h).
Run setup_chunk(CLI::App& cmd);

// Appends `s` to `out` as a JSON string literal: quotes, backslash and control characters
// escaped, everything else (UTF-8 included) copied as is. REQUIRES: `s` is valid UTF-8. The
// result is byte for byte what nlohmann::json(s).dump() gives, several times faster.
void append_json_string(std::string& out, std::string_view s);

}  // namespace strata::cli
