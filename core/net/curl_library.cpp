#include "net/curl_library.h"

#include "common/shared_library.h"

namespace strata::net {
namespace {

CurlLibrary load() {
  const SharedLibrary so("libcurl.so.4", "libcurl4");
  CurlLibrary lib{};
  so.resolve("curl_global_init", lib.global_init);
  so.resolve("curl_easy_init", lib.easy_init);
  so.resolve("curl_easy_cleanup", lib.easy_cleanup);
  so.resolve("curl_easy_reset", lib.easy_reset);
  so.resolve("curl_easy_setopt", lib.easy_setopt);
  so.resolve("curl_easy_perform", lib.easy_perform);
  so.resolve("curl_easy_getinfo", lib.easy_getinfo);
  so.resolve("curl_easy_strerror", lib.easy_strerror);
  so.resolve("curl_slist_append", lib.slist_append);
  so.resolve("curl_slist_free_all", lib.slist_free_all);
  so.resolve("curl_getdate", lib.getdate);
  so.resolve("curl_url", lib.url);
  so.resolve("curl_url_cleanup", lib.url_cleanup);
  so.resolve("curl_url_set", lib.url_set);
  so.resolve("curl_url_get", lib.url_get);
  so.resolve("curl_free", lib.free);
  // curl_global_init is not thread-safe in older libcurl and must run before any easy handle;
  // it is never undone (curl_global_cleanup at exit would race other threads' destructors).
  if (lib.global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) so.unavailable("curl_global_init failed");
  return lib;
}

}  // namespace

const CurlLibrary& curl_library() {
  static const CurlLibrary lib = load();
  return lib;
}

}  // namespace strata::net
