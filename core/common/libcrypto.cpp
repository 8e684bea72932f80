#include "common/libcrypto.h"

namespace strata {

const SharedLibrary& libcrypto() {
  static const SharedLibrary lib("libcrypto.so.3", "libssl3");
  return lib;
}

}  // namespace strata
