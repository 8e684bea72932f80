# The git revision is read at configure time; a tarball build without .git reports none.
execute_process(
  COMMAND git rev-parse --short=12 HEAD
  WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}
  OUTPUT_VARIABLE STRATA_GIT_REVISION
  OUTPUT_STRIP_TRAILING_WHITESPACE
  ERROR_QUIET)
configure_file(${PROJECT_SOURCE_DIR}/core/common/build_info.h.in
               ${PROJECT_BINARY_DIR}/generated/strata/build_info.h @ONLY)
