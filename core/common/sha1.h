#pragma once
// SHA-1, for identifiers other tools compute with it and strata must match: Sqitch's change ids
// and script hashes (migrate/model/sqitch_plan.h). Never for anything strata itself trusts.
#include <string>
#include <string_view>

namespace strata {

// Returns the lowercase hex SHA-1 digest of `data` (libcrypto's, common/libcrypto.h).
std::string sha1_hex(std::string_view data);

}  // namespace strata
