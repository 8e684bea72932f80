# Run at build time (cmake -P) by the strata_git_revision target: writes OUTPUT, a one-line .cpp
# holding the revision the tree was built from ("9fa8427", "9fa8427-dirty"; "" outside git).
# configure_file leaves OUTPUT untouched when the text is the same, so a build without a new
# commit or a change of dirtiness recompiles and relinks nothing.
# In: SOURCE_DIR, OUTPUT.
set(revision "")
find_package(Git QUIET)
if(GIT_FOUND)
  execute_process(
    COMMAND ${GIT_EXECUTABLE} rev-parse --short=7 HEAD
    WORKING_DIRECTORY ${SOURCE_DIR}
    OUTPUT_VARIABLE revision
    OUTPUT_STRIP_TRAILING_WHITESPACE
    RESULT_VARIABLE rev_failed
    ERROR_QUIET)
  if(rev_failed)
    set(revision "")
  else()
    # Tracked files only: a build directory or a scratch file is not a change to the source.
    # No optional locks: a build must never hold the index lock a concurrent `git commit` needs.
    execute_process(
      COMMAND ${GIT_EXECUTABLE} --no-optional-locks status --porcelain --untracked-files=no
      WORKING_DIRECTORY ${SOURCE_DIR}
      OUTPUT_VARIABLE changes
      OUTPUT_STRIP_TRAILING_WHITESPACE
      ERROR_QUIET)
    if(changes)
      string(APPEND revision "-dirty")
    endif()
  endif()
endif()
set(STRATA_GIT_REVISION "${revision}")
configure_file(${CMAKE_CURRENT_LIST_DIR}/git_revision.cpp.in ${OUTPUT} @ONLY)
