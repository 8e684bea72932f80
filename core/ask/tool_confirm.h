#pragma once
// What the user is shown before a tool call that asks first (ask --tools, strata chat): every
// argument that will run, or a refusal. A model can pad one value so that a short preview ends
// before the argument that matters ({"content": "<10,000 spaces>", "path": "~/.bashrc"}), so the
// preview is not a prefix: each argument is a line of its own, nested ones by their path
// ("options.mode", "files[2].path"), its key always whole, its value as JSON (so a newline or an
// escape shows as \n or \u001b).
//
// A value that may decide where the call acts is never cut: a path padded past a cut
// ("/tmp/<200 x>/../../home/u/.bashrc") hid its "../.." in the cut middle. So a value of at most
// k_max_whole_value_bytes (a string's own bytes: the longest path Linux takes) is shown whole, and
// only a longer one, which no path is (content), is cut in the middle with its full size. What is
// shown whole is at most k_max_shown_bytes in all, so that padding cannot scroll one argument far
// out of sight behind others. Arguments that cannot all be shown that way are refused, never
// shown in part.
#include <cstddef>
#include <string>
#include <vector>

namespace strata::ask {

// Lines at most; beyond, the call is refused (a model can always split its work into calls).
inline constexpr std::size_t k_max_argument_lines = 40;
// A key's path longer than this is refused: a key is shown whole, and a screen is finite.
inline constexpr std::size_t k_max_argument_key_bytes = 200;
// A value longer than k_max_whole_value_bytes is cut to this in the middle (its start and end
// shown, with its size).
inline constexpr std::size_t k_max_argument_value_bytes = 160;
// A value of at most this many bytes (a string's own, else its JSON's) is shown whole: PATH_MAX.
inline constexpr std::size_t k_max_whole_value_bytes = 4096;
// The argument lines together at most this long; beyond, the call is refused.
inline constexpr std::size_t k_max_shown_bytes = 8192;

struct ArgumentsShown {
  std::vector<std::string> lines;  // "path = \"/home/u/.bashrc\"", one per argument, sanitised
  std::string refused;             // why the call cannot be shown (then it does not run); else ""
  std::size_t bytes = 0;           // the lines' size, a newline each
};

// `arguments`: the call's JSON text as the model wrote it ("" for none); parsed as the tool loop
// parses it, so what is shown is what runs.
ArgumentsShown show_arguments(const std::string& arguments);

}  // namespace strata::ask
