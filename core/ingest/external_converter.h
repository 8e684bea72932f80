#pragma once
// External converters: a command the user names for a file extension (`[ingest.loaders]` in their
// own configuration file, or `ingest --loader-cmd`), run on a document's file to turn it into
// text, e.g. ".rtf" = "pandoc -t gfm {path}". Unlike the loaders (loader.h), this runs a process,
// so prepare.cpp calls it with the file's path.
#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace strata::ingest {

struct ConverterCommand {
  std::string extension;          // lower-case, with its dot: ".rtf"
  std::vector<std::string> argv;  // the words; "{path}" inside a word stands for the file
  std::string text;               // the command as written, for messages
};

// Splits `command` into words as a POSIX shell would, without expanding anything: blanks separate
// words, '…' quotes literally, "…" quotes with \" \\ \$ \` as escapes, and a backslash outside
// quotes escapes the next character. There is no shell: |, >, ; and $HOME are ordinary characters.
// `extension` may be written with or without its dot ("rtf", ".RTF"). Throws Error(usage), the
// message starting with `where` (the flag, or the file:line that set it), for an extension that is
// empty or holds a '/', a second '.' or a blank; for an unterminated quote, an empty command, or a
// command without {path}.
ConverterCommand parse_converter(std::string_view extension, std::string_view command, std::string_view where);

struct ConverterLimits {
  std::chrono::milliseconds timeout{std::chrono::seconds(60)};  // Default: 60 s
  std::size_t max_output = std::size_t{64} << 20;             // Default: 64 MiB of standard output
};

// Runs `command` on the file `path` and returns what it printed on standard output: valid UTF-8
// text. "{path}" is replaced in each word, which stays one argument whatever the path holds. The
// program is found on PATH (unless it holds a '/'), runs without a shell, with standard input
// from /dev/null, in a process group of its own that is killed (SIGKILL) when the time is up, the
// output passes the cap, or the program has exited (stray children it left behind); it is always
// reaped, and killed too should strata itself die meanwhile.
//
// Throws Error(ExitCode::invalid_input), one line each, naming the command's program:
//   "converter 'P' not found"                  not on PATH, or not executable
//   "converter 'P' timed out after N s"        still running at the deadline
//   "converter 'P' printed more than N MiB"    past max_output
//   "converter 'P' was killed by signal SIGSEGV"
//   "converter 'P' exited with status N: <first line it printed on stderr>"
//   "converter 'P' printed nothing"
//   "converter 'P' printed binary output (NUL byte at offset N)" / "… output that is not UTF-8 (at byte N)"
std::string run_converter(const ConverterCommand& command, const std::string& path, const ConverterLimits& limits);

}  // namespace strata::ingest
