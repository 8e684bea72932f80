# Man pages are installed gzip'ed, as Debian policy (12.1) asks: `gzip -9n`, so that neither a
# timestamp nor a file name makes two builds of the package differ. man-db reads them as they are.
# Every page in man/ is installed, so a new command's page cannot be forgotten here.
find_program(STRATA_GZIP gzip REQUIRED)
file(GLOB strata_man_sources CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/man/*.[1-8])
set(strata_man_outputs "")
foreach(page ${strata_man_sources})
  get_filename_component(name ${page} NAME)
  string(REGEX MATCH "[1-8]$" section ${name})
  set(compressed ${PROJECT_BINARY_DIR}/man/${name}.gz)
  add_custom_command(
    OUTPUT ${compressed}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${PROJECT_BINARY_DIR}/man
    COMMAND ${STRATA_GZIP} -9n -c ${page} > ${compressed}
    DEPENDS ${page})
  install(FILES ${compressed} DESTINATION ${CMAKE_INSTALL_MANDIR}/man${section})
  list(APPEND strata_man_outputs ${compressed})
endforeach()
add_custom_target(strata_man_pages ALL DEPENDS ${strata_man_outputs})
# `cmake --build build --target strata && cmake --install build` must find the pages built.
add_dependencies(strata strata_man_pages)
