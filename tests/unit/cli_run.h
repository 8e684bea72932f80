#pragma once
// Runs the command line in this process, through the same entry point as the binary
// (strata::cli::run), with its standard output and error captured.
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "app.h"

namespace strata::testing {

struct CliResult {
  int code = -1;
  std::string out;  // what was written to std::cout
  std::string err;  // what was written to std::cerr
};

// Swaps a stream's buffer for a string's while alive.
class Capture {
 public:
  explicit Capture(std::ostream& stream) : stream_(stream), saved_(stream.rdbuf(text_.rdbuf())) {}
  ~Capture() { stream_.rdbuf(saved_); }
  Capture(const Capture&) = delete;
  Capture& operator=(const Capture&) = delete;
  std::string text() const { return text_.str(); }

 private:
  std::ostream& stream_;
  std::ostringstream text_;
  std::streambuf* saved_;
};

// `strata ARGS...`: the exit code and what it printed.
inline CliResult run_cli(std::vector<std::string> args) {
  args.insert(args.begin(), "strata");
  std::vector<const char*> argv;
  for (const std::string& a : args) argv.push_back(a.c_str());
  CliResult r;
  const Capture out(std::cout);
  const Capture err(std::cerr);
  r.code = cli::run(static_cast<int>(argv.size()), argv.data());
  r.out = out.text();
  r.err = err.text();
  return r;
}

}  // namespace strata::testing
