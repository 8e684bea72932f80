#pragma once
// The CLI's words for the settings core names (core/common/setting.h): each setting as the flag
// that sets it. Only the CLI names flags; its printers (output.h's messages) render every message
// through here, so core's "raise <timeout>" prints as "raise --timeout".
#include <string>
#include <string_view>

#include "common/public.h"

namespace strata::cli {

// "--base-url" for Setting::base_url.
std::string_view flag_of(Setting s);
// `text` with each mentioned setting written as its flag (stray marker bytes removed).
std::string with_flags(std::string_view text);
// Makes every door write a setting of a command line the user runs as its flag
// (common/setting.h's command_mention): strata mcp's texts too. Called once, at start.
void install_command_words();

}  // namespace strata::cli
