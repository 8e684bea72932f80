// External converters: how a command is split into words, and how a run that goes wrong (not
// found, hangs, leaves children, crashes, prints garbage or nothing) is reported, one line each.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "common/error.h"
#include "ingest/external_converter.h"
#include "test_util.h"

namespace strata::ingest {
namespace {

using strata::testing::error_of;
using strata::testing::TempDir;
using strata::testing::write_file;

std::vector<std::string> words(const std::string& command) { return parse_converter(".x", command, "--loader-cmd").argv; }

std::string usage_error(const std::string& extension, const std::string& command) {
  const Error e = error_of([&] { parse_converter(extension, command, "conf.toml:3"); });
  EXPECT_EQ(e.code(), ExitCode::usage);
  return e.what();
}

TEST(ConverterCommand, SplitsLikeAShellWithoutExpandingAnything) {
  EXPECT_EQ(words("pandoc -t gfm {path}"), (std::vector<std::string>{"pandoc", "-t", "gfm", "{path}"}));
  EXPECT_EQ(words("conv  'two words' \"a \\\"q\\\" $HOME\" back\\ slash --in={path} ''"),
            (std::vector<std::string>{"conv", "two words", "a \"q\" $HOME", "back slash", "--in={path}", ""}));
  EXPECT_EQ(words("sh -c 'x | y > z; $(w)' {path}"), (std::vector<std::string>{"sh", "-c", "x | y > z; $(w)", "{path}"}));
}

TEST(ConverterCommand, ExtensionIsNormalised) {
  EXPECT_EQ(parse_converter("RTF", "c {path}", "f").extension, ".rtf");
  EXPECT_EQ(parse_converter(" .Md ", "c {path}", "f").extension, ".md");
}

TEST(ConverterCommand, RefusalsNameWhere) {
  EXPECT_EQ(usage_error("", "c {path}"), "conf.toml:3: '' is not a file extension");
  EXPECT_EQ(usage_error("tar.gz", "c {path}"), "conf.toml:3: 'tar.gz' is not a file extension");
  EXPECT_EQ(usage_error("a/b", "c {path}"), "conf.toml:3: 'a/b' is not a file extension");
  EXPECT_EQ(usage_error(".rtf", "  "), "conf.toml:3: the command for .rtf is empty");
  EXPECT_EQ(usage_error(".rtf", "pandoc -t gfm"), "conf.toml:3: the command for .rtf has no {path}");
  EXPECT_EQ(usage_error(".rtf", "c '{path}"), "conf.toml:3: unterminated ' in the command");
  EXPECT_EQ(usage_error(".rtf", "c \"{path}"), "conf.toml:3: unterminated \" in the command");
}

class ConverterRun : public ::testing::Test {
 protected:
  // A shell script converter named `name` in the scratch folder; returns its path.
  std::string script(const std::string& name, const std::string& body) {
    const std::string path = dir_ / name;
    write_file(path, "#!/bin/sh\n" + body + "\n");
    std::filesystem::permissions(path, std::filesystem::perms::owner_all);
    return path;
  }
  std::string run(const std::string& command, std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    ConverterLimits limits;
    limits.timeout = timeout;
    limits.max_output = 1 << 20;
    return run_converter(parse_converter(".x", command, "--loader-cmd"), input_, limits);
  }
  std::string failure(const std::string& command, std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    const Error e = error_of([&] { run(command, timeout); });
    EXPECT_EQ(e.code(), ExitCode::invalid_input);
    return e.what();
  }

  TempDir dir_;
  std::string input_ = [this] {
    write_file(dir_ / "in put;$(x).x", "file content\n");
    return dir_ / "in put;$(x).x";
  }();
};

TEST_F(ConverterRun, OutputIsTheDocumentAndPathIsOneArgument) {
  const std::string conv = script("conv", "printf '[%s]' \"$@\"; printf '\\n'; cat \"$2\"");
  EXPECT_EQ(run(conv + " --from {path} '{path}'"), "[--from][" + input_ + "][" + input_ + "]\nfile content\n");
}

TEST_F(ConverterRun, FailuresAreOneLineEach) {
  EXPECT_EQ(failure("no-such-converter-anywhere {path}"), "converter 'no-such-converter-anywhere' not found on PATH");
  EXPECT_EQ(failure(dir_ / "missing {path}"), "converter '" + (dir_ / "missing") + "' not found");
  const std::string crash = script("crash", "kill -SEGV $$");
  EXPECT_EQ(failure(crash + " {path}"), "converter '" + crash + "' was killed by signal SIGSEGV");
  const std::string complain = script("complain", "echo >&2; echo 'conv: no good' >&2; echo more >&2; exit 4");
  EXPECT_EQ(failure(complain + " {path}"), "converter '" + complain + "' exited with status 4: conv: no good");
  const std::string quiet = script("quiet", "exit 0");
  EXPECT_EQ(failure(quiet + " {path}"), "converter '" + quiet + "' printed nothing");
  const std::string nul = script("nul", "printf 'ab\\000c'");
  EXPECT_EQ(failure(nul + " {path}"), "converter '" + nul + "' printed binary output (NUL byte at offset 2)");
  const std::string latin1 = script("latin1", "printf 'caf\\351'");
  EXPECT_EQ(failure(latin1 + " {path}"), "converter '" + latin1 + "' printed output that is not UTF-8 (at byte 3)");
  const std::string flood = script("flood", "yes flood");
  EXPECT_EQ(failure(flood + " {path}"), "converter '" + flood + "' printed more than 1 MiB");
}

TEST_F(ConverterRun, TimeoutKillsTheWholeProcessGroup) {
  // The converter leaves a child that keeps its output open and records its pid.
  const std::string pid_file = dir_ / "child.pid";
  const std::string stray = script("stray", "sleep 600 & echo $! >" + pid_file + "; echo partial");
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(failure(stray + " {path}", std::chrono::milliseconds(500)), "converter '" + stray + "' timed out after 0.5 s");
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  const pid_t child = std::stoi(testing::read_file(pid_file));
  // Killed: gone, or a zombie waiting for whoever inherited it to reap it.
  const auto running = [child] {
    const std::string stat = testing::read_file("/proc/" + std::to_string(child) + "/stat");
    const std::size_t paren = stat.rfind(')');
    return paren != std::string::npos && paren + 2 < stat.size() && stat[paren + 2] != 'Z';
  };
  for (int i = 0; i < 200 && running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_FALSE(running()) << "the converter's child is still running";
  const std::string hang = script("hang", "exec sleep 600");
  EXPECT_EQ(failure(hang + " {path}", std::chrono::seconds(1)), "converter '" + hang + "' timed out after 1 s");
}

}  // namespace
}  // namespace strata::ingest
