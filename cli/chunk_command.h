#pragma once
// `strata chunk [FILE...|-]`: reads documents, splits them with core/chunk and writes the
// chunks as JSON Lines, one JSON array, or readable text. All the splitting is in core/chunk.
#include <functional>
#include <string>
#include <string_view>

namespace CLI {
class App;
}

namespace strata::cli {

// Adds `chunk` to `app`; when it is chosen, `action` runs it and returns the exit code.
void setup_chunk(CLI::App& app, std::function<int()>& action);

// Appends `s` to `out` as a JSON string literal: quotes, backslash and control characters
// escaped, everything else (UTF-8 included) copied as is. REQUIRES: `s` is valid UTF-8. The
// result is byte for byte what nlohmann::json(s).dump() gives, several times faster.
void append_json_string(std::string& out, std::string_view s);

}  // namespace strata::cli
