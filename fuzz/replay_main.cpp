// The replay runner of the normal (non-clang) build, every target in one executable:
//
//   strata_fuzz_replay TARGET PATH...
//
// calls TARGET's entry point (its LLVMFuzzerTestOneInput, renamed strata_fuzz_TARGET by
// fuzz/CMakeLists.txt) on every file named, or on every file under each directory named (sorted,
// so a failure is reproducible). A missing directory is fine (no regressions yet). A crash or a
// failed FUZZ_CHECK aborts, which CTest reports as a failure; the file being run is printed
// first so the failing input is named.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

namespace {

using Entry = int (*)(const std::uint8_t*, std::size_t);
struct ReplayTarget {
  std::string_view name;
  Entry entry;
};

}  // namespace

#include "replay_targets.inc"

namespace {

int run_file(Entry entry, const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "replay: cannot read %s\n", p.c_str());
    return 1;
  }
  const std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::fprintf(stderr, "replay: %s (%zu bytes)\n", p.c_str(), bytes.size());
  entry(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
  return 0;
}

Entry find_target(std::string_view name) {
  for (const auto& t : k_targets) {
    if (t.name == name) return t.entry;
  }
  return nullptr;
}

}  // namespace

int main(int argc, char** argv) {
  namespace fs = std::filesystem;
  const Entry entry = argc > 1 ? find_target(argv[1]) : nullptr;
  if (entry == nullptr) {
    std::fprintf(stderr, "usage: strata_fuzz_replay TARGET PATH...\ntargets:");
    for (const auto& t : k_targets) std::fprintf(stderr, " %.*s", static_cast<int>(t.name.size()), t.name.data());
    std::fprintf(stderr, "\n");
    return 2;
  }
  std::size_t files = 0;
  int failures = 0;
  for (int a = 2; a < argc; ++a) {
    const fs::path arg = argv[a];
    if (fs::is_directory(arg)) {
      std::vector<fs::path> paths;
      for (const auto& e : fs::recursive_directory_iterator(arg)) {
        if (e.is_regular_file()) paths.push_back(e.path());
      }
      std::sort(paths.begin(), paths.end());
      for (const auto& p : paths) {
        failures += run_file(entry, p);
        ++files;
      }
    } else if (fs::exists(arg)) {
      failures += run_file(entry, arg);
      ++files;
    }
  }
  std::printf("replayed %zu inputs\n", files);
  return failures == 0 ? 0 : 1;
}
