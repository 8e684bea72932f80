#pragma once
// libcurl, opened on first use instead of linked. Only embed and ask talk HTTP; linking libcurl
// (and the twenty libraries it pulls in) made every command, `strata --version` included, pay
// for loading and relocating them at start-up.
#include <curl/curl.h>

namespace strata::net {

// The libcurl functions strata calls, resolved from libcurl.so.4. The names mirror curl_*.
struct CurlLibrary {
  decltype(&::curl_global_init) global_init;
  decltype(&::curl_easy_init) easy_init;
  decltype(&::curl_easy_cleanup) easy_cleanup;
  decltype(&::curl_easy_reset) easy_reset;
  decltype(&::curl_easy_setopt) easy_setopt;
  decltype(&::curl_easy_perform) easy_perform;
  decltype(&::curl_easy_getinfo) easy_getinfo;
  decltype(&::curl_easy_strerror) easy_strerror;
  decltype(&::curl_slist_append) slist_append;
  decltype(&::curl_slist_free_all) slist_free_all;
  decltype(&::curl_getdate) getdate;
  // The URL API (core/web parses and checks a URL as libcurl will read it).
  decltype(&::curl_url) url;
  decltype(&::curl_url_cleanup) url_cleanup;
  decltype(&::curl_url_set) url_set;
  decltype(&::curl_url_get) url_get;
  decltype(&::curl_free) free;
};

// Loads libcurl once per process (thread-safe) and runs curl_global_init. Throws
// strata::Error(ExitCode::unavailable) naming the library and dlerror() when it cannot be loaded.
const CurlLibrary& curl_library();

}  // namespace strata::net
