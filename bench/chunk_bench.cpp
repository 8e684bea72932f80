// Core-only timing for bench/chunk.sh and bench/tokens.sh: calls strata's core functions
// (chunk_text, Tokenizer::count) directly, without the CLI, so process start, file reading and
// output are left out -- the same thing the peer scripts time (only the call). Not part of the
// build: the bench scripts compile it with g++ against an already built libstrata_core.a.
//
//   usage: chunk_bench FILE tokens <cl100k_base|o200k_base>
//          chunk_bench FILE chunk <strategy> <size> <overlap> [langchain] [notokens]
// (langchain: compat_langchain; notokens: count_tokens = false, the splitting alone.)
// Prints one JSON line (like ../shared/bench/*.mjs): bytes, seconds (the timed call only),
// init_seconds (building the tokenizer table, not in seconds), tokens or chunks, mb_per_s.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>

#include "chunk/chunker.h"
#include "common/error.h"
#include "tokenizer/tokenizer.h"

namespace {

double now() {
  using namespace std::chrono;
  return duration<double>(steady_clock::now().time_since_epoch()).count();
}

int usage() {
  std::fprintf(stderr,
               "usage: chunk_bench FILE tokens <encoding>\n"
               "       chunk_bench FILE chunk <strategy> <size> <overlap> [langchain] [notokens]\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace strata;
  if (argc < 4) return usage();
  std::ifstream in(argv[1], std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "chunk_bench: cannot read %s\n", argv[1]);
    return 1;
  }
  std::ostringstream buf;
  buf << in.rdbuf();
  const std::string text = buf.str();
  const std::string mode = argv[2];
  try {
    if (mode == "tokens") {
      auto enc = tokenizer::encoding_from_name(argv[3]);
      if (!enc) return usage();
      double t0 = now();
      const auto& tok = tokenizer::Tokenizer::get(*enc);
      double t1 = now();
      std::size_t n = tok.count(text);
      double t2 = now();
      std::printf("{\"tool\":\"strata-core\",\"case\":\"tokens %s\",\"bytes\":%zu,\"tokens\":%zu,"
                  "\"seconds\":%.4f,\"init_seconds\":%.4f,\"mb_per_s\":%.2f}\n",
                  argv[3], text.size(), n, t2 - t1, t1 - t0, text.size() / 1e6 / (t2 - t1));
      return 0;
    }
    if (mode == "chunk" && argc >= 6) {
      chunk::ChunkOptions o;
      auto s = chunk::strategy_from_name(argv[3]);
      if (!s) return usage();
      o.strategy = *s;
      o.size = std::strtoull(argv[4], nullptr, 10);
      o.overlap = std::strtoull(argv[5], nullptr, 10);
      for (int i = 6; i < argc; ++i) {
        const std::string flag = argv[i];
        if (flag == "langchain") {
          o.compat_langchain = true;
        } else if (flag == "notokens") {
          o.count_tokens = false;
        } else {
          return usage();
        }
      }
      if (o.strategy == chunk::Strategy::token) o.unit = chunk::Unit::tokens;
      double t0 = now();
      (void)tokenizer::Tokenizer::get(o.encoding);  // table build, reported apart
      double t1 = now();
      auto chunks = chunk::chunk_text(text, o);
      double t2 = now();
      std::printf("{\"tool\":\"strata-core\",\"case\":\"chunk %s %zu/%zu%s%s\",\"bytes\":%zu,"
                  "\"chunks\":%zu,\"seconds\":%.4f,\"init_seconds\":%.4f,\"mb_per_s\":%.2f}\n",
                  argv[3], o.size, o.overlap, o.compat_langchain ? " langchain" : "",
                  o.count_tokens ? "" : " notokens", text.size(),
                  chunks.size(), t2 - t1, t1 - t0, text.size() / 1e6 / (t2 - t1));
      return 0;
    }
  } catch (const Error& e) {
    std::fprintf(stderr, "chunk_bench: %s\n", e.what());
    return 1;
  }
  return usage();
}
