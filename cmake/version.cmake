# The version is known at configure time (project()); the git revision is not written here but at
# build time, by cmake/git_revision.cmake, into its own small .cpp (see cli/CMakeLists.txt), so
# a commit never re-configures the project nor recompiles what includes build_info.h.
configure_file(${PROJECT_SOURCE_DIR}/core/common/build_info.h.in
               ${PROJECT_BINARY_DIR}/generated/strata/build_info.h @ONLY)
