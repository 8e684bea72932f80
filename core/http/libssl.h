#pragma once
// libssl.so.3, opened on first use like libcrypto (common/libcrypto.h): only `strata serve
// --tls-cert` needs it, and linked it would load with its libcrypto at the start of every
// command. Boost.Asio's TLS stream (server.cpp) calls the OpenSSL functions it needs by name;
// libssl.cpp defines each of them, hidden inside the binary, as a call through this library.
#include "common/shared_library.h"

namespace strata::http {

// Throws Error(ExitCode::unavailable) naming the library and its package when it cannot be
// loaded. Called before any TLS object is made, so that the functions below never find it absent.
const SharedLibrary& libssl();

}  // namespace strata::http
