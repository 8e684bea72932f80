#pragma once
// Documents named on the command line: a file, or "-" for standard input. Shared by every
// command that reads documents (chunk, tokens, and ingest to come).
#include <cstddef>
#include <string>
#include <string_view>

#include "common/public.h"

namespace strata::cli {

// "standard input" for "-", else the name itself: what error messages call an input.
std::string input_label(const std::string& name);

// The whole input, read once. A regular file goes into a buffer of its exact size; a pipe is
// read in blocks joined at the end, so the peak is the input plus one block. Throws
// Error(invalid_input) naming the input when it is missing, a directory or unreadable.
std::string read_input(const std::string& name);

// The same for text: the first 8 KiB are read and checked first (require_not_binary), so that
// binary input (`chunk < /dev/zero`, a 1 GB file of NULs) is refused before the rest is read.
std::string read_text_input(const std::string& name, std::string_view purpose);

// Throws Error(invalid_input) when `data` looks binary: a NUL byte in its first 8 KiB.
// `purpose` ends the message, e.g. "only UTF-8 text can be chunked".
void require_not_binary(const std::string& name, std::string_view data, std::string_view purpose);

// The error for invalid UTF-8 at byte `offset` of `data`, naming the offset, line and column.
Error invalid_utf8(const std::string& name, std::string_view data, std::size_t offset, std::string hint = {});

}  // namespace strata::cli
