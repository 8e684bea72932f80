#pragma once
// A shared library opened by name on first use instead of linked (libcurl, libpq, libcrypto):
// a linked library and its dependencies are loaded and relocated at the start of every command,
// also of those that never call it. Opened libraries are never closed: they keep process-wide
// state (OpenSSL, Kerberos, curl's global init) that other threads may still be using at exit.
#include <string>

namespace strata {

class SharedLibrary {
 public:
  // Opens `soname` (RTLD_LAZY, RTLD_LOCAL). Throws Error(ExitCode::unavailable) naming the
  // library, dlerror() and the Debian package to install when it cannot be loaded.
  SharedLibrary(const char* soname, const char* package);

  // Sets `slot` to the function `name`; throws as above when the library lacks it.
  template <typename Fn>
  void resolve(const char* name, Fn& slot) const {
    slot = reinterpret_cast<Fn>(symbol(name));
  }

  // The same error as a failed open, for a library that loads but cannot be used.
  [[noreturn]] void unavailable(const std::string& why) const;

 private:
  void* symbol(const char* name) const;

  void* handle_ = nullptr;
  const char* soname_;
  const char* package_;
};

}  // namespace strata
