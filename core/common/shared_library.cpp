#include "common/shared_library.h"

#include <dlfcn.h>

#include "common/error.h"

namespace strata {

SharedLibrary::SharedLibrary(const char* soname, const char* package) : soname_(soname), package_(package) {
  // RTLD_LAZY: functions of the library's own dependencies that strata's calls never reach
  // (libpq's Kerberos and LDAP, for a password login) are never bound; RTLD_NOW bound them all.
  handle_ = dlopen(soname, RTLD_LAZY | RTLD_LOCAL);
  if (handle_ == nullptr) {
    const char* why = dlerror();
    unavailable(why != nullptr ? why : "dlopen failed");
  }
}

void* SharedLibrary::symbol(const char* name) const {
  void* found = dlsym(handle_, name);
  if (found == nullptr) unavailable(std::string("no symbol ") + name);
  return found;
}

void SharedLibrary::unavailable(const std::string& why) const {
  throw Error(ExitCode::unavailable, std::string("cannot load ") + soname_ + " (" + why + "); install Debian's " +
                                         package_ + " package");
}

}  // namespace strata
