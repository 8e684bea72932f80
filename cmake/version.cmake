# The git revision is read at configure time; a tarball build without .git reports none.
# Re-configure when HEAD moves, so `strata --version` never names a stale revision.
execute_process(
  COMMAND git rev-parse --short=12 HEAD
  WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}
  OUTPUT_VARIABLE STRATA_GIT_REVISION
  OUTPUT_STRIP_TRAILING_WHITESPACE
  ERROR_QUIET)
execute_process(
  COMMAND git rev-parse --absolute-git-dir
  WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}
  OUTPUT_VARIABLE STRATA_GIT_DIR
  OUTPUT_STRIP_TRAILING_WHITESPACE
  ERROR_QUIET)
if(STRATA_GIT_DIR)
  execute_process(
    COMMAND git symbolic-ref -q HEAD
    WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}
    OUTPUT_VARIABLE STRATA_GIT_REF
    OUTPUT_STRIP_TRAILING_WHITESPACE
    ERROR_QUIET)
  foreach(f HEAD ${STRATA_GIT_REF} packed-refs)
    if(EXISTS ${STRATA_GIT_DIR}/${f})
      set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${STRATA_GIT_DIR}/${f})
    endif()
  endforeach()
endif()
configure_file(${PROJECT_SOURCE_DIR}/core/common/build_info.h.in
               ${PROJECT_BINARY_DIR}/generated/strata/build_info.h @ONLY)
