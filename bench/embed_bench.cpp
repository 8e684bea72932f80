// The local embedder's speed on one thread: reads a text file (the benchmark corpus), cuts it
// into chunks of about --chunk bytes at line ends (the size `strata chunk` makes by default),
// and times LocalEmbedder::embed_into over all of them, RUNS times. Prints one JSON line with
// the median.
//   usage: embed_bench FILE [CHUNK_BYTES=1000] [DIMENSIONS=384] [RUNS=5] [MODEL=hash-ngram-v2]
#include <algorithm>
#include <chrono>
#include <ctime>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

#include "embed/local_embedder.h"

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: embed_bench FILE [CHUNK_BYTES] [DIMENSIONS] [RUNS] [MODEL]\n");
    return 2;
  }
  const std::size_t chunk = argc > 2 ? std::strtoul(argv[2], nullptr, 10) : 1000;
  const std::size_t dims = argc > 3 ? std::strtoul(argv[3], nullptr, 10) : 384;
  const int runs = argc > 4 ? std::atoi(argv[4]) : 5;
  const std::string model_name = argc > 5 ? argv[5] : strata::embed::k_local_model;
  const auto model = strata::embed::parse_local_model(model_name);
  if (!model) {
    std::fprintf(stderr, "embed_bench: unknown local model %s\n", model_name.c_str());
    return 2;
  }
  std::ifstream in(argv[1], std::ios::binary);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<std::string_view> chunks;
  for (std::size_t at = 0; at < text.size();) {
    std::size_t end = std::min(text.size(), at + chunk);
    if (end < text.size()) {
      const std::size_t nl = text.rfind('\n', end);
      if (nl != std::string::npos && nl > at) end = nl + 1;
    }
    chunks.emplace_back(text.data() + at, end - at);
    at = end;
  }
  const strata::embed::LocalEmbedder embedder(dims, *model);
  std::vector<float> out(dims);
  // Wall time, and the thread's CPU time: on a shared machine the second is the steadier
  // figure (it leaves out the time other processes held the core).
  const auto cpu_now = [] {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
  };
  std::vector<double> seconds, cpu;
  double checksum = 0;
  for (int r = 0; r < runs; ++r) {
    const auto t0 = std::chrono::steady_clock::now();
    const double c0 = cpu_now();
    for (const std::string_view c : chunks) {
      embedder.embed_into(c, out);
      checksum += out[0];
    }
    cpu.push_back(cpu_now() - c0);
    seconds.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  std::sort(seconds.begin(), seconds.end());
  std::sort(cpu.begin(), cpu.end());
  const double median = seconds[seconds.size() / 2];
  const double cpu_median = cpu[cpu.size() / 2];
  std::printf("{\"bench\":\"local-embedder\",\"model\":\"%s\",\"bytes\":%zu,\"chunks\":%zu,\"chunk_bytes\":%zu,\"dimensions\":%zu,"
              "\"runs\":%d,\"seconds\":%.3f,\"mb_per_s\":%.1f,\"cpu_seconds\":%.3f,\"cpu_mb_per_s\":%.1f,"
              "\"chunks_per_s\":%.0f,\"checksum\":%.6f}\n",
              model_name.c_str(), text.size(), chunks.size(), chunk, dims, runs, median, static_cast<double>(text.size()) / 1e6 / median,
              cpu_median, static_cast<double>(text.size()) / 1e6 / cpu_median, static_cast<double>(chunks.size()) / median,
              checksum / runs);
  return 0;
}
