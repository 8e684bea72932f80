#pragma once
// strata's own loadable modules (strata-pdf.so, strata-office.so): opened with dlopen on first
// use, so that the libraries behind them cost only the commands that read such documents.
#include <string_view>

namespace strata::ingest {

// The address of `symbol` in the module `file_name`, looked for beside an installed binary
// (relative to it, so an install moved with `cmake --install --prefix` still finds it), at the
// configured install path, then in the build tree (tests and uninstalled builds). The module is
// never closed: its libraries may keep process-wide state once initialised.
// Throws Error(ExitCode::unavailable) "<what> support is unavailable: <why>".
void* module_symbol(std::string_view file_name, const char* symbol, std::string_view what);

}  // namespace strata::ingest
