#pragma once
// JSON text for --json output that never fails on bytes that are not UTF-8.
//
// nlohmann::json::dump() throws on a string holding invalid UTF-8, and names come from the file
// system, where any byte but '/' and NUL is allowed: `documents list --json` on a store holding
// a Latin-1 file name ended in "internal error". Here such a byte is written as the escape
// \udcXX (U+DC80 + the byte; Python's "surrogateescape"), so the name is kept exactly: in Python,
// os.fsencode(json.loads(line)["source"]) gives its bytes back; other parsers read U+FFFD.
// Valid text is written exactly as dump() writes it.
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace strata::cli {

std::string json_text(const nlohmann::json& value);

// Appends `s` to `out` as a JSON string literal: quotes, backslash and control characters
// escaped, everything else (UTF-8 included) copied as is. REQUIRES: `s` is valid UTF-8. The
// result is byte for byte what nlohmann::json(s).dump() gives, several times faster (chunk's
// JSON Lines and embed's progress lines write many).
void append_json_string(std::string& out, std::string_view s);

// Appends `s` as a JSON string literal the same way (append_json_string when `s` is valid UTF-8).
void append_json_name(std::string& out, std::string_view s);

}  // namespace strata::cli
