#include "http/libssl.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "common/error.h"

// The OpenSSL functions Boost.Asio's ssl::context and ssl::stream call (the undefined symbols of
// server.cpp's object file, as `nm -u` lists them), each defined here as a call of libssl's own
// (its libcrypto's for BIO_ and ERR_: dlsym searches the library's dependencies too). OpenSSL's
// headers are not included: they declare the same names. The types are the ABI's (pointers are
// pointers); hidden, so that a library loaded later (libpq, libcurl) still binds to libssl's.
// Each resolves on its first call, after libssl() has been loaded (TlsContext does first); a
// function the library lacks then is a broken install: the process aborts, as the dynamic
// linker would have at start.
namespace {

template <typename Fn>
Fn resolved(const char* name) {
  Fn fn = nullptr;
  try {
    strata::http::libssl().resolve(name, fn);
  } catch (const std::exception&) {
    std::abort();
  }
  return fn;
}

}  // namespace

#define STRATA_SSL_FORWARD(ret, name, params, args)            \
  extern "C" __attribute__((visibility("hidden"))) ret name params; \
  extern "C" ret name params {                                  \
    using Fn = ret(*) params;                                   \
    static const Fn fn = resolved<Fn>(#name);                   \
    return fn args;                                             \
  }

using Ptr = void*;
using CPtr = const void*;

STRATA_SSL_FORWARD(long, BIO_ctrl, (Ptr b, int cmd, long larg, Ptr parg), (b, cmd, larg, parg))
STRATA_SSL_FORWARD(std::size_t, BIO_ctrl_pending, (Ptr b), (b))
STRATA_SSL_FORWARD(int, BIO_free, (Ptr b), (b))
STRATA_SSL_FORWARD(int, BIO_new_bio_pair, (Ptr * b1, std::size_t w1, Ptr* b2, std::size_t w2), (b1, w1, b2, w2))
STRATA_SSL_FORWARD(int, BIO_read, (Ptr b, Ptr data, int n), (b, data, n))
STRATA_SSL_FORWARD(int, BIO_write, (Ptr b, CPtr data, int n), (b, data, n))
STRATA_SSL_FORWARD(void, ERR_clear_error, (), ())
STRATA_SSL_FORWARD(unsigned long, ERR_get_error, (), ())
STRATA_SSL_FORWARD(const char*, ERR_reason_error_string, (unsigned long e), (e))
STRATA_SSL_FORWARD(int, SSL_CTX_check_private_key, (CPtr ctx), (ctx))
STRATA_SSL_FORWARD(long, SSL_CTX_ctrl, (Ptr ctx, int cmd, long larg, Ptr parg), (ctx, cmd, larg, parg))
STRATA_SSL_FORWARD(void, SSL_CTX_free, (Ptr ctx), (ctx))
STRATA_SSL_FORWARD(Ptr, SSL_CTX_get_default_passwd_cb_userdata, (Ptr ctx), (ctx))
STRATA_SSL_FORWARD(Ptr, SSL_CTX_get_ex_data, (CPtr ctx, int i), (ctx, i))
STRATA_SSL_FORWARD(Ptr, SSL_CTX_new, (CPtr method), (method))
STRATA_SSL_FORWARD(void, SSL_CTX_set_default_passwd_cb_userdata, (Ptr ctx, Ptr u), (ctx, u))
STRATA_SSL_FORWARD(int, SSL_CTX_set_ex_data, (Ptr ctx, int i, Ptr d), (ctx, i, d))
STRATA_SSL_FORWARD(std::uint64_t, SSL_CTX_set_options, (Ptr ctx, std::uint64_t op), (ctx, op))
STRATA_SSL_FORWARD(int, SSL_CTX_use_PrivateKey_file, (Ptr ctx, const char* file, int type), (ctx, file, type))
STRATA_SSL_FORWARD(int, SSL_CTX_use_certificate_chain_file, (Ptr ctx, const char* file), (ctx, file))
STRATA_SSL_FORWARD(int, SSL_accept, (Ptr s), (s))
STRATA_SSL_FORWARD(int, SSL_connect, (Ptr s), (s))
STRATA_SSL_FORWARD(long, SSL_ctrl, (Ptr s, int cmd, long larg, Ptr parg), (s, cmd, larg, parg))
STRATA_SSL_FORWARD(void, SSL_free, (Ptr s), (s))
STRATA_SSL_FORWARD(int, SSL_get_error, (CPtr s, int ret), (s, ret))
STRATA_SSL_FORWARD(Ptr, SSL_get_ex_data, (CPtr s, int i), (s, i))
STRATA_SSL_FORWARD(int, SSL_get_shutdown, (CPtr s), (s))
STRATA_SSL_FORWARD(Ptr, SSL_new, (Ptr ctx), (ctx))
STRATA_SSL_FORWARD(int, SSL_read, (Ptr s, Ptr buf, int n), (s, buf, n))
STRATA_SSL_FORWARD(void, SSL_set_bio, (Ptr s, Ptr r, Ptr w), (s, r, w))
STRATA_SSL_FORWARD(int, SSL_set_ex_data, (Ptr s, int i, Ptr d), (s, i, d))
STRATA_SSL_FORWARD(int, SSL_shutdown, (Ptr s), (s))
STRATA_SSL_FORWARD(int, SSL_write, (Ptr s, CPtr buf, int n), (s, buf, n))
STRATA_SSL_FORWARD(CPtr, TLS_client_method, (), ())
STRATA_SSL_FORWARD(CPtr, TLS_method, (), ())
STRATA_SSL_FORWARD(CPtr, TLS_server_method, (), ())

#undef STRATA_SSL_FORWARD

namespace strata::http {

const SharedLibrary& libssl() {
  static const SharedLibrary lib("libssl.so.3", "libssl3");
  return lib;
}

}  // namespace strata::http
