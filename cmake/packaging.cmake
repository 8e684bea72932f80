# `cpack -G DEB` in the build directory: strata_<version>_<arch>.deb for Debian 12.
# Configure with -DCMAKE_INSTALL_PREFIX=/usr so the PDF module lands in Debian's multiarch
# libdir (scripts/package-test.sh does); with the default prefix it goes to /usr/lib/strata,
# where the binary finds it all the same (it looks relative to itself first).
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME strata)
set(CPACK_PACKAGE_VENDOR "The strata developers")
set(CPACK_PACKAGE_CONTACT "The strata developers <strata@example.org>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "schema migrations and a searchable knowledge store of your documents")
set(CPACK_PACKAGE_DESCRIPTION
    "strata is one command-line tool for two jobs: versioning a database schema with plain SQL
migrations (SQLite and PostgreSQL, dbmate format) and asking questions of your own documents.
It ingests Markdown, HTML, PDF, Word, OpenDocument, PowerPoint, EPUB and text files into a SQLite knowledge store, embeds their chunks
offline or through any OpenAI-compatible server, searches them by keyword, vector or both, and
answers questions with citations from Ollama, llama.cpp, OpenAI or Anthropic, or offline.
It also chunks text and counts tokens (tiktoken-identical) as shell filters.")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)

set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION utils)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
# dpkg-shlibdeps derives Depends from every ELF file in the package: the binary and the PDF and
# office modules, so poppler, libzip4 and libxml2 come in although the binary only dlopen's the
# modules. libedit2 (strata chat's line editing) and zlib1g (compressed documents) are linked, so they come in the same way; the list
# below is for the libraries dpkg-shlibdeps cannot see.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# libcurl (core/net/curl_library.cpp), libpq (core/migrate/engines/postgres/pq_library.cpp) and libcrypto
# (core/common/sha256.cpp) are dlopen'ed by name, which dpkg-shlibdeps cannot see.
# Depends, not Recommends: embed and ask with a server need libcurl, migrate needs libcrypto for
# its checksums, libpq for PostgreSQL and libmariadb for MySQL, and CI images commonly install with
# --no-install-recommends, where a Recommends would leave them failing at run time.
# 7.32.0 brought CURLOPT_XFERINFOFUNCTION, the newest option strata sets; libpq5 9.3 the newest
# function strata calls (PQping is 9.1, PQconnectdbParams 9.0); libmariadb3 10.11 (Connector/C
# 3.3) the first with MARIADB_OPT_RESTRICTED_AUTH, which keeps the password from a server that
# asks for it in clear text; libssl3 is libcrypto.so.3.
set(CPACK_DEBIAN_PACKAGE_DEPENDS "libcurl4 (>= 7.32.0), libpq5 (>= 9.3), libmariadb3 (>= 1:10.11), libssl3")

# strata serve as a system service (packaging/strata-serve.service), installed and not enabled;
# its settings in /etc/default/strata-serve, a conffile (an administrator's edits survive an
# upgrade). lib/systemd/system under /usr: the same folder as /lib's on Debian 12's merged /usr.
install(FILES ${PROJECT_SOURCE_DIR}/packaging/strata-serve.service DESTINATION lib/systemd/system)
install(FILES ${PROJECT_SOURCE_DIR}/packaging/strata-serve.default DESTINATION ${CMAKE_INSTALL_FULL_SYSCONFDIR}/default
        RENAME strata-serve)
file(WRITE ${PROJECT_BINARY_DIR}/debian-control/conffiles "${CMAKE_INSTALL_FULL_SYSCONFDIR}/default/strata-serve\n")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA ${PROJECT_BINARY_DIR}/debian-control/conffiles)

include(CPack)
