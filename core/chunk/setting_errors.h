#pragma once
// Chunk settings that cannot be used, worded once for `chunk`, `ingest` and strata.toml's
// [chunk]. `name` is how the setting is shown: its flag ("--overlap") or its file line and key
// ("/p/strata.toml:4: chunk.overlap").
#include <cstddef>
#include <string>

#include "common/error.h"

namespace strata::chunk {

// "--strategy: unknown strategy 'x'", the valid names as the hint; `with_auto`: ingest's
// `auto` (a strategy chosen per file) is one of them.
Error unknown_strategy(const std::string& name, const std::string& value, bool with_auto);
Error unknown_unit(const std::string& name, const std::string& value);
Error unknown_tokenizer(const std::string& name, const std::string& value);

// "--overlap (600) must be below --size (500)": `size_name` as short as it can be ("--size",
// "chunk.size"). For --min-size the hint says how to turn the joining off.
Error overlap_not_below_size(const std::string& name, std::size_t overlap, const std::string& size_name,
                             std::size_t size);
Error min_size_not_below_size(const std::string& name, std::size_t min_size, const std::string& size_name,
                              std::size_t size);

}  // namespace strata::chunk
