#pragma once
// What the user is shown before a tool call that asks first (ask --tools, strata chat): every
// argument that will run, or a refusal. A model can pad one value so that a short preview ends
// before the argument that matters ({"content": "<10,000 spaces>", "path": "~/.bashrc"}), so the
// preview is not a prefix: each argument is a line of its own, nested ones by their path
// ("options.mode", "files[2].path"), its key always whole, its value as JSON (so a newline or an
// escape shows as \n or \u001b) cut in the middle when long, with its full size in bytes.
// Arguments that cannot all be shown that way are refused, never shown in part.
#include <cstddef>
#include <string>
#include <vector>

namespace strata::ask {

// Lines at most; beyond, the call is refused (a model can always split its work into calls).
inline constexpr std::size_t k_max_argument_lines = 40;
// A key's path longer than this is refused: a key is shown whole, and a screen is finite.
inline constexpr std::size_t k_max_argument_key_bytes = 200;
// A value's JSON longer than this is cut in the middle (its start and end shown, with its size).
inline constexpr std::size_t k_max_argument_value_bytes = 160;

struct ArgumentsShown {
  std::vector<std::string> lines;  // "path = \"/home/u/.bashrc\"", one per argument, sanitised
  std::string refused;             // why the call cannot be shown (then it does not run); else ""
};

// `arguments`: the call's JSON text as the model wrote it ("" for none); parsed as the tool loop
// parses it, so what is shown is what runs.
ArgumentsShown show_arguments(const std::string& arguments);

}  // namespace strata::ask
