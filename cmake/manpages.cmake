# The man pages are written at build time: scripts/manpages.py fills each template man/NAME.S.in
# with the options of the commands it names (`.\" @OPTIONS strata search@`), taken from the
# binary's own command tree (`strata __complete-spec --json`): every option's names, value name,
# accepted values, help text and default. The explanations the tree cannot hold stay in the
# template, keyed by option (`.\" @OPTION --where@`) and placed under that option's item; prose
# for an option the binary lacks stops the build (exit 2), as does a command whose options no
# page lists. Pages without options (strata-store.5, strata.toml.5, strata-security.7) are
# copied. The pages go to build/man/ (read them with `man -l build/man/PAGE`); like the
# completions they need the binary, so `cmake --build build --target strata strata_man_pages`
# comes before `cmake --install build` (the default target builds both).
#
# Man pages are installed gzip'ed, as Debian policy (12.1) asks: `gzip -9n`, so that neither a
# timestamp nor a file name makes two builds of the package differ. man-db reads them as they are.
# Every page in man/ is installed, so a new command's page cannot be forgotten here.
find_package(Python3 REQUIRED COMPONENTS Interpreter)
find_program(STRATA_GZIP gzip REQUIRED)
set(strata_man_dir ${PROJECT_BINARY_DIR}/man)
file(GLOB strata_man_sources CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/man/*.[1-8] ${PROJECT_SOURCE_DIR}/man/*.[1-8].in)
set(strata_man_files "")
foreach(source ${strata_man_sources})
  get_filename_component(name ${source} NAME)
  string(REGEX REPLACE "\\.in$" "" name ${name})
  list(APPEND strata_man_files ${strata_man_dir}/${name})
endforeach()
add_custom_command(
  OUTPUT ${strata_man_files}
  COMMAND Python3::Interpreter ${PROJECT_SOURCE_DIR}/scripts/manpages.py --binary $<TARGET_FILE:strata>
          ${PROJECT_SOURCE_DIR}/man ${strata_man_dir}
  DEPENDS strata ${PROJECT_SOURCE_DIR}/scripts/manpages.py ${strata_man_sources}
  COMMENT "Writing the man pages' options from strata's command tree"
  VERBATIM)
set(strata_man_outputs "")
foreach(page ${strata_man_files})
  get_filename_component(name ${page} NAME)
  string(REGEX MATCH "[1-8]$" section ${name})
  set(compressed ${page}.gz)
  add_custom_command(
    OUTPUT ${compressed}
    COMMAND ${STRATA_GZIP} -9n -c ${page} > ${compressed}
    DEPENDS ${page})
  install(FILES ${compressed} DESTINATION ${CMAKE_INSTALL_MANDIR}/man${section})
  list(APPEND strata_man_outputs ${compressed})
endforeach()
add_custom_target(strata_man_pages ALL DEPENDS ${strata_man_outputs})
