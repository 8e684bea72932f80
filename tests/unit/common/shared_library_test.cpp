#include "common/shared_library.h"

#include <gtest/gtest.h>

#include <cstring>
#include <string>

#include "common/error.h"
#include "common/sha256.h"

namespace strata {
namespace {

TEST(SharedLibrary, ResolvesAFunctionOfAnOpenedLibrary) {
  const SharedLibrary libc("libc.so.6", "libc6");
  decltype(&::strlen) length = nullptr;
  libc.resolve("strlen", length);
  ASSERT_NE(length, nullptr);
  EXPECT_EQ(length("strata"), 6u);
}

TEST(SharedLibrary, AMissingLibraryIsUnavailableNamingItAndItsPackage) {
  try {
    const SharedLibrary missing("libstrata-no-such-library.so.9", "strata-no-such-package");
    FAIL() << "opened a library that does not exist";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::unavailable);
    const std::string m = e.what();
    EXPECT_EQ(m.rfind("cannot load libstrata-no-such-library.so.9 (", 0), 0u) << m;
    EXPECT_NE(m.find("); install Debian's strata-no-such-package package"), std::string::npos) << m;
  }
}

TEST(SharedLibrary, AMissingFunctionIsUnavailableNamingIt) {
  const SharedLibrary libc("libc.so.6", "libc6");
  void (*slot)() = nullptr;
  try {
    libc.resolve("strata_no_such_function", slot);
    FAIL() << "resolved a function that does not exist";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::unavailable);
    EXPECT_NE(std::string(e.what()).find("(no symbol strata_no_such_function)"), std::string::npos) << e.what();
  }
  EXPECT_EQ(slot, nullptr);
}

// libcrypto is opened by the first hash: the digest is the standard one (FIPS 180-2 vectors).
TEST(SharedLibrary, Sha256FromTheOpenedLibcrypto) {
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

}  // namespace
}  // namespace strata
