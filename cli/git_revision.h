#pragma once
// The git revision the binary was built from, written at build time by cmake/git_revision.cmake
// into a generated .cpp of its own, so a new commit relinks strata and recompiles nothing else.
namespace strata::cli {

// "9fa8427", "9fa8427-dirty" when tracked files had changes, "" when built outside git.
const char* git_revision();

}  // namespace strata::cli
