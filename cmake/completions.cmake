# The shell completion scripts are written at build time from the binary's own command tree
# (`strata __complete-spec --json`) by scripts/completions.py; the templates in completions/ hold
# only what the tree cannot say. A new option, command or help text therefore reaches bash, zsh
# and fish with the next build, and no committed script can drift from the binary.
# They need the binary, so they are built after it: `cmake --build build --target strata
# strata_completions strata_man_pages` before `cmake --install build` (the default target builds
# all three; the man pages are written the same way, cmake/manpages.cmake).
find_package(Python3 REQUIRED COMPONENTS Interpreter)
set(strata_completion_dir ${PROJECT_BINARY_DIR}/completions)
set(strata_completion_templates
    ${PROJECT_SOURCE_DIR}/completions/strata.bash.in
    ${PROJECT_SOURCE_DIR}/completions/_strata.in
    ${PROJECT_SOURCE_DIR}/completions/strata.fish.in)
set(strata_completion_outputs
    ${strata_completion_dir}/strata.bash
    ${strata_completion_dir}/_strata
    ${strata_completion_dir}/strata.fish)
add_custom_command(
  OUTPUT ${strata_completion_outputs}
  COMMAND Python3::Interpreter ${PROJECT_SOURCE_DIR}/scripts/completions.py --binary $<TARGET_FILE:strata>
          ${PROJECT_SOURCE_DIR}/completions ${strata_completion_dir}
  DEPENDS strata ${PROJECT_SOURCE_DIR}/scripts/completions.py ${strata_completion_templates}
  COMMENT "Writing the shell completions from strata's command tree"
  VERBATIM)
add_custom_target(strata_completions ALL DEPENDS ${strata_completion_outputs})
install(FILES ${strata_completion_dir}/strata.bash
        DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions RENAME strata)
# Debian's zsh reads vendor-completions; fish reads vendor_completions.d.
install(FILES ${strata_completion_dir}/_strata DESTINATION ${CMAKE_INSTALL_DATADIR}/zsh/vendor-completions)
install(FILES ${strata_completion_dir}/strata.fish DESTINATION ${CMAKE_INSTALL_DATADIR}/fish/vendor_completions.d)
