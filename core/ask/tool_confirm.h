#pragma once
// What the user is shown before a tool call that asks first (ask --tools, strata chat): every
// argument that will run, or a refusal. A model can pad a value so that the argument that
// matters scrolls out of sight ({"content": "<10,000 newlines>", "path": "~/.bashrc"}), or so
// that a cut hides the part of a path that matters ("/tmp/<200 x>/../../home/u/.bashrc"). So:
//
// - each argument is a line of its own, nested ones by their path ("options.mode",
//   "files[2].path"), its key always whole, its value as JSON (a newline or an escape shows as
//   \n or \u001b; nothing reaches the terminal raw);
// - a run of one unit repeated (a character, "\n", "../", up to 8 bytes) is shown counted,
//   «"x" × 10,000», which loses nothing: padding shrinks to a few bytes. The markers' brackets,
//   when a value holds them itself, are shown escaped (\u00ab), so a value cannot forge a
//   marker;
// - a value that names where the call acts (its key names a path, a file, a directory, a URL...,
//   or it looks like one: one line holding '/' or '\', or starting with '~') is never cut: shown
//   whole up to k_max_place_bytes (counted runs and all), refused beyond. Those lines come last,
//   right above the question, so that nothing printed after them can push them away;
// - any other value is shown whole up to k_max_argument_value_bytes, else cut in the middle to
//   that size, its start and end shown around a marker that says how many bytes were cut.
//
// Arguments that cannot all be shown that way are refused, never shown in part.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace strata::ask {

// Lines at most; beyond, the call is refused (a model can always split its work into calls).
inline constexpr std::size_t k_max_argument_lines = 40;
// A key's path longer than this is refused: a key is shown whole, and a screen is finite.
inline constexpr std::size_t k_max_argument_key_bytes = 200;
// A value (other than a place) longer than this, once its runs are counted, is cut in the middle
// to this size: two lines of a terminal at most.
inline constexpr std::size_t k_max_argument_value_bytes = 160;
// A place (a path, a URL) is shown whole up to this, its runs counted (13 lines of an 80-column
// terminal); a longer one is refused. PATH_MAX is 4096, but a path that long is padding.
inline constexpr std::size_t k_max_place_bytes = 1024;
// The places' lines together at most this long, so that they fit a screen above the question.
inline constexpr std::size_t k_max_places_bytes = 1536;
// The argument lines together at most this long; beyond, the call is refused.
inline constexpr std::size_t k_max_shown_bytes = 8192;

struct ArgumentsShown {
  // "path = \"/home/u/.bashrc\"", one per argument, sanitised: the other arguments first (in key
  // order), then the places (in key order).
  std::vector<std::string> lines;
  std::string refused;             // why the call cannot be shown (then it does not run); else ""
  std::size_t bytes = 0;           // the lines' size, a newline each
  std::size_t places = 0;          // how many of the last lines are places
};

// `arguments`: the call's JSON text as the model wrote it ("" for none); parsed as the tool loop
// parses it, so what is shown is what runs.
ArgumentsShown show_arguments(const std::string& arguments);

// `text` with every run of one unit (1 to 8 bytes, repeated to at least 16 bytes and 3 times)
// written «"unit" × count», and the markers' brackets escaped as JSON escapes. Lossless:
// exposed for tests.
std::string count_runs(std::string_view text);

}  // namespace strata::ask
