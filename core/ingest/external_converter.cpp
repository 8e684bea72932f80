#include "ingest/external_converter.h"

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <optional>
#include <system_error>
#include <thread>

#include "common/error.h"
#include "common/subprocess.h"
#include "common/text.h"
#include "common/utf8.h"
#include "ingest/text_decoding.h"

namespace strata::ingest {
namespace {

using Clock = std::chrono::steady_clock;

// A usage error naming the setting it is about (`where`: the file and line of the converter).
[[noreturn]] void converter_usage(std::string_view where, const std::string& message, std::string hint = {}) {
  strata::usage(std::string(where) + ": " + message, std::move(hint));
}

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

std::string normalised_extension(std::string_view extension, std::string_view where) {
  std::string ext = to_lower(trim(extension));
  if (!ext.empty() && ext.front() == '.') ext.erase(0, 1);
  const bool bad = ext.empty() || ext.find_first_of("/\\. \t") != std::string::npos;
  if (bad) converter_usage(where, "'" + std::string(extension) + "' is not a file extension", "write it like \".rtf\"");
  return "." + ext;
}

// POSIX shell word splitting without any expansion (see the header).
std::vector<std::string> split_words(std::string_view s, std::string_view where) {
  std::vector<std::string> words;
  std::string word;
  bool in_word = false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (is_blank(c)) {
      if (in_word) words.push_back(std::move(word));
      word.clear();
      in_word = false;
      continue;
    }
    in_word = true;
    if (c == '\'') {
      const std::size_t close = s.find('\'', i + 1);
      if (close == std::string_view::npos) converter_usage(where, "unterminated ' in the command");
      word.append(s.substr(i + 1, close - i - 1));
      i = close;
    } else if (c == '"') {
      std::size_t j = i + 1;
      for (; j < s.size() && s[j] != '"'; ++j) {
        if (s[j] == '\\' && j + 1 < s.size() && std::string_view("\"\\$`").find(s[j + 1]) != std::string_view::npos) ++j;
        word += s[j];
      }
      if (j >= s.size()) converter_usage(where, "unterminated \" in the command");
      i = j;
    } else if (c == '\\' && i + 1 < s.size()) {
      word += s[++i];
    } else {
      word += c;
    }
  }
  if (in_word) words.push_back(std::move(word));
  return words;
}

constexpr std::string_view k_path = "{path}";

std::string substituted(std::string_view word, const std::string& path) {
  std::string out;
  for (std::size_t at = 0;;) {
    const std::size_t found = word.find(k_path, at);
    if (found == std::string_view::npos) {
      out.append(word.substr(at));
      return out;
    }
    out.append(word.substr(at, found - at));
    out += path;
    at = found + k_path.size();
  }
}

struct Started {
  std::unique_ptr<process::Child> child;
  process::Fd out, err;
};

// The converter with standard input from /dev/null and both outputs on pipes.
Started start(const std::string& program, const std::vector<std::string>& args, const std::string& label) {
  try {
    process::Pipe out = process::make_pipe();
    process::Pipe err = process::make_pipe();
    process::SpawnRequest request;
    request.program = program;
    request.argv = args;
    request.stdout_fd = out.write.get();
    request.stderr_fd = err.write.get();
    std::unique_ptr<process::Child> child = process::spawn(request);
    return {std::move(child), std::move(out.read), std::move(err.read)};
  } catch (const std::system_error& e) {
    throw Error(ExitCode::invalid_input, "converter '" + label + "' could not be started: " + e.code().message());
  }
}

enum class Ending { exited, timed_out, too_much };

std::string seconds_text(std::chrono::milliseconds d) {
  const auto ms = d.count();
  if (ms % 1000 == 0) return std::to_string(ms / 1000) + " s";
  return std::to_string(ms / 1000) + "." + std::to_string((ms % 1000) / 100) + " s";
}

// The first non-empty line of what the converter said on stderr, safe to print on one line.
std::string first_line(std::string_view err) {
  for (const std::string& line : split(replace_invalid_utf8(err, Utf8Repair::per_sequence), '\n')) {
    std::string l(trim(line));
    if (l.empty()) continue;
    for (char& c : l) {
      if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) c = ' ';
    }
    if (l.size() > 200) l = l.substr(0, 200) + "…";
    return replace_invalid_utf8(l, Utf8Repair::per_sequence);
  }
  return {};
}

}  // namespace

ConverterCommand parse_converter(std::string_view extension, std::string_view command, std::string_view where) {
  ConverterCommand c;
  c.extension = normalised_extension(extension, where);
  c.text = std::string(trim(command));
  c.argv = split_words(command, where);
  if (c.argv.empty()) converter_usage(where, "the command for " + c.extension + " is empty");
  bool has_path = false;
  for (const std::string& w : c.argv) has_path = has_path || w.find(k_path) != std::string::npos;
  if (!has_path) {
    converter_usage(where, "the command for " + c.extension + " has no {path}",
          "{path} stands for the document's file, e.g. \"pandoc -t gfm {path}\"");
  }
  return c;
}

std::string run_converter(const ConverterCommand& command, const std::string& path, const ConverterLimits& limits) {
  const std::string& label = command.argv.front();
  const auto fail = [&](const std::string& why) { return Error(ExitCode::invalid_input, "converter '" + label + "' " + why); };
  std::vector<std::string> args;
  args.reserve(command.argv.size());
  for (const std::string& w : command.argv) args.push_back(substituted(w, path));
  const std::optional<std::string> program = process::find_program(args.front());
  if (!program) throw fail("not found" + std::string(label.find('/') == std::string::npos ? " on PATH" : ""));

  const Clock::time_point deadline = Clock::now() + limits.timeout;
  Started s = start(*program, args, label);
  std::string out, err;
  Ending ending = Ending::exited;
  std::array<pollfd, 2> fds{{{s.out.get(), POLLIN, 0}, {s.err.get(), POLLIN, 0}}};
  std::array<char, 65536> buffer{};
  while (fds[0].fd >= 0 || fds[1].fd >= 0) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) {
      ending = Ending::timed_out;
      break;
    }
    const int ready = ::poll(fds.data(), fds.size(), static_cast<int>(std::min<long long>(left, INT_MAX)));
    if (ready < 0 && errno != EINTR) throw fail(std::string("could not be read: ") + std::strerror(errno));
    for (std::size_t i = 0; i < fds.size() && ready > 0; ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      const ssize_t n = ::read(fds[i].fd, buffer.data(), buffer.size());
      if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
      if (n <= 0) {
        fds[i].fd = -1;  // end of output (poll ignores negative descriptors)
        continue;
      }
      std::string& to = i == 0 ? out : err;
      const auto got = static_cast<std::size_t>(n);
      if (i == 1) {
        to.append(buffer.data(), std::min(got, std::size_t{4096} - std::min(to.size(), std::size_t{4096})));
      } else if (to.size() + got > limits.max_output) {
        ending = Ending::too_much;
        break;
      } else {
        to.append(buffer.data(), got);
      }
    }
    if (ending == Ending::too_much) break;
  }
  // Both streams closed: wait for the exit itself, still within the deadline.
  while (ending == Ending::exited && !s.child->exited()) {
    if (Clock::now() >= deadline) {
      ending = Ending::timed_out;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  s.child->kill_group();  // whatever it left running, or itself when it ran out of time
  const int status = s.child->wait();

  if (ending == Ending::timed_out) throw fail("timed out after " + seconds_text(limits.timeout));
  if (ending == Ending::too_much) throw fail("printed more than " + std::to_string(limits.max_output >> 20) + " MiB");
  if (WIFSIGNALED(status)) throw fail("was killed by signal " + process::signal_name(WTERMSIG(status)));
  if (WIFEXITED(status) && WEXITSTATUS(status) != 0) {
    const std::string said = first_line(err);
    throw fail("exited with status " + std::to_string(WEXITSTATUS(status)) + (said.empty() ? "" : ": " + said));
  }
  if (trim(out).empty()) throw fail("printed nothing");
  if (const std::size_t nul = out.find('\0'); nul != std::string::npos) {
    throw fail("printed binary output (NUL byte at offset " + std::to_string(nul) + ")");
  }
  if (const auto bad = find_invalid_utf8(out)) throw fail("printed output that is not UTF-8 (at byte " + std::to_string(*bad) + ")");
  return out;
}

}  // namespace strata::ingest
