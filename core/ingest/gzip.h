#pragma once
// Compressed documents: a file named `NAME.gz` whose bytes are gzip data is read as NAME
// (ls.1.gz as a man page, README.md.gz as Markdown; Debian's /usr/share/doc holds thousands).
// The dispatcher (loader.h) inflates it here, in memory, under caps that stop a gzip bomb
// before it costs more than the cap: nothing of a file past them is loaded or stored.
#include <cstddef>
#include <string>
#include <string_view>

namespace strata::ingest {

struct GzipLimits {
  // Decompressed bytes of one file. Default: 64 MiB, the cap on one entry of an office package
  // (office_abi.h) and on a converter's output (external_converter.h).
  std::size_t max_bytes = std::size_t{64} << 20;
  // Decompressed bytes per compressed byte, applied once the output passes `ratio_floor`. Text
  // compresses 3 to 10 times, a very repetitive log some tens of times; gzip cannot go past
  // about 1,032 (a run of one byte). Default: 200.
  std::size_t max_ratio = 200;
  // Output below this is never a bomb, whatever the ratio (a small file of repeated lines).
  // Default: 1 MiB.
  std::size_t ratio_floor = std::size_t{1} << 20;
};

// True when `bytes` start as gzip data does (1F 8B, then method 8: deflate).
bool is_gzip(std::string_view bytes);

// `name` without a final ".gz" (any case): "ls.1" for "ls.1.gz", "" when `name` does not end in
// ".gz" or is nothing but it.
std::string_view without_gz(std::string_view name);

// The content of the gzip data `bytes`: every member when several are concatenated (as gzip
// does), bytes after the last member ignored (as gzip does, with a warning).
// Throws strata::Error(ExitCode::invalid_input), one line not naming the file (the caller
// prefixes "path: "):
//   "gzip data expands past 64 MiB (a gzip bomb?)"                       past max_bytes
//   "gzip data expands more than 200 times (… KiB to over … MiB; a gzip bomb?)"  past max_ratio
//   "truncated gzip data (it ends inside its compressed stream)"
//   "not readable gzip data: <zlib's reason>"                            corrupt data or a bad CRC
// REQUIRES: is_gzip(bytes).
std::string gunzip(std::string_view bytes, const GzipLimits& limits = {});

}  // namespace strata::ingest
