#pragma once
// The project root under config's names: the rule is common's (common/project_root.h), below
// every area that asks it (migrate's link checks, ingest's source ids, the trust model here).
#include "common/project_root.h"

namespace strata::config {

using strata::absolute_normal;
using strata::lexically_inside;
using strata::project_root;
using strata::really_inside;
using strata::resolve_links;
using strata::work_tree_top;

}  // namespace strata::config
