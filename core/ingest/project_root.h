#pragma once
// Where a project starts, for documents' identities: source ids of files are relative to it, so
// that the same file is one document whether it is named from the project's top, from one of
// its folders or by absolute path, and a store stays valid in another checkout of the project.
// The rule itself is config's (config/project_root.h): the trust model keeps paths inside the
// same root.
#include "config/project_root.h"

namespace strata::ingest {

using config::project_root;
using config::work_tree_top;

}  // namespace strata::ingest
