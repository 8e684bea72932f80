#include "net/curl_library.h"

#include <dlfcn.h>

#include <string>

#include "common/error.h"

namespace strata::net {
namespace {

constexpr const char* k_soname = "libcurl.so.4";

[[noreturn]] void unavailable(const std::string& why) {
  throw Error(ExitCode::unavailable,
              std::string("cannot load ") + k_soname + " (" + why + "); install Debian's libcurl4 package");
}

template <typename Fn>
void resolve(void* handle, const char* name, Fn& slot) {
  void* symbol = dlsym(handle, name);
  if (symbol == nullptr) unavailable(std::string("no symbol ") + name);
  slot = reinterpret_cast<Fn>(symbol);
}

CurlLibrary load() {
  // Never closed: libcurl keeps global state (TLS, DNS caches) for the life of the process.
  void* handle = dlopen(k_soname, RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    const char* why = dlerror();
    unavailable(why != nullptr ? why : "dlopen failed");
  }
  CurlLibrary lib{};
  resolve(handle, "curl_global_init", lib.global_init);
  resolve(handle, "curl_easy_init", lib.easy_init);
  resolve(handle, "curl_easy_cleanup", lib.easy_cleanup);
  resolve(handle, "curl_easy_reset", lib.easy_reset);
  resolve(handle, "curl_easy_setopt", lib.easy_setopt);
  resolve(handle, "curl_easy_perform", lib.easy_perform);
  resolve(handle, "curl_easy_getinfo", lib.easy_getinfo);
  resolve(handle, "curl_easy_strerror", lib.easy_strerror);
  resolve(handle, "curl_slist_append", lib.slist_append);
  resolve(handle, "curl_slist_free_all", lib.slist_free_all);
  resolve(handle, "curl_getdate", lib.getdate);
  // curl_global_init is not thread-safe in older libcurl and must run before any easy handle;
  // it is never undone (curl_global_cleanup at exit would race other threads' destructors).
  if (lib.global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) unavailable("curl_global_init failed");
  return lib;
}

}  // namespace

const CurlLibrary& curl_library() {
  static const CurlLibrary lib = load();
  return lib;
}

}  // namespace strata::net
