#include "ingest/module_library.h"

#include <dlfcn.h>
#include <unistd.h>

#include <array>
#include <string>
#include <vector>

#include "common/error.h"

namespace strata::ingest {
namespace {

std::vector<std::string> candidates(std::string_view file_name) {
  std::vector<std::string> paths;
  std::array<char, 4096> exe{};
  const ssize_t n = readlink("/proc/self/exe", exe.data(), exe.size() - 1);
  if (n > 0) {
    std::string dir(exe.data(), static_cast<std::size_t>(n));
    dir.erase(dir.find_last_of('/') + 1);
    paths.push_back(dir + STRATA_MODULE_DIR_FROM_BINDIR + "/" + std::string(file_name));
  }
  paths.push_back(std::string(STRATA_MODULE_DIR_INSTALLED) + "/" + std::string(file_name));
  paths.push_back(std::string(STRATA_MODULE_DIR_BUILT) + "/" + std::string(file_name));
  return paths;
}

}  // namespace

void* module_symbol(std::string_view file_name, const char* symbol, std::string_view what) {
  std::string why;
  for (const std::string& path : candidates(file_name)) {
    if (access(path.c_str(), F_OK) != 0) continue;
    void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (handle == nullptr) {
      const char* e = dlerror();
      why = path + ": " + (e != nullptr ? e : "dlopen failed");
      continue;
    }
    if (void* found = dlsym(handle, symbol)) return found;
    why = path + ": no " + symbol;
  }
  if (why.empty()) {
    why = std::string(file_name) + " is not installed beside strata (looked in " + STRATA_MODULE_DIR_INSTALLED + ")";
  }
  throw Error(ExitCode::unavailable, std::string(what) + " support is unavailable: " + why);
}

}  // namespace strata::ingest
