#pragma once
// The rank tables compiled into the binary, in the layout of rank_table_format.h. Defined in
// sources generated at build time from data/tokenizers/*.tiktoken (see core/CMakeLists.txt).
#include <string_view>

namespace strata::tokenizer {

std::string_view embedded_table_cl100k_base();
std::string_view embedded_table_o200k_base();

}  // namespace strata::tokenizer
