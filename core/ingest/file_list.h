#pragma once
// `ingest --files-from FILE|-`: the list of paths to ingest, as written by `find`, `git ls-files`
// or by hand.
#include <string>
#include <string_view>
#include <vector>

namespace strata::ingest {

// Splits --files-from contents into paths, in order. With `nul` (-0) entries end at NUL bytes,
// as `find -print0` and `git ls-files -z` write them, and are kept byte for byte; otherwise they
// end at '\n' and one trailing '\r' is dropped (a list saved on Windows). Empty entries are
// dropped; nothing else is trimmed, since file names may start or end with spaces. Each path
// is meant to be given to walk() as a root.
std::vector<std::string> parse_file_list(std::string_view data, bool nul);

}  // namespace strata::ingest
