#include "tokens_command.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/public.h"
#include "input.h"
#include "interface_spec.h"
#include "json_text.h"
#include "number_flags.h"
#include "option_bundles.h"
#include "output.h"
#include "tokenizer/public.h"

namespace strata::cli {
namespace {

namespace tk = strata::tokenizer;
using nlohmann::json;

struct TokensOptions {
  std::vector<std::string> files;  // empty: standard input
  std::string tokenizer = "cl100k_base";
  bool ids = false;
  bool decode = false;
  std::optional<std::size_t> truncate;  // a count of tokens
  OutputOptions out;                     // out.color: the run's (RunContext)
};

[[noreturn]] void bad_input(const std::string& name, const std::string& what, std::string hint = {}) {
  throw Error(ExitCode::invalid_input, input_label(name) + ": " + what, std::move(hint));
}

// Text to encode must be UTF-8 (the tokenizer's contract, and what tiktoken accepts).
std::string read_text(const std::string& name) {
  std::string data = read_text_input(name, "only UTF-8 text has tokens");
  if (const auto bad = find_invalid_utf8(data)) throw invalid_utf8(name, data, *bad);
  return data;
}

// Ids separated by whitespace; commas and brackets are skipped too, so that the output of
// --ids --json decodes as well.
std::vector<tk::TokenId> parse_ids(const std::string& name, const std::string& text) {
  std::vector<tk::TokenId> ids;
  const auto separator = [](char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v' || c == ',' || c == '[' ||
           c == ']';
  };
  std::size_t i = 0;
  while (i < text.size()) {
    if (separator(text[i])) {
      ++i;
      continue;
    }
    std::size_t j = i;
    while (j < text.size() && !separator(text[j])) ++j;
    tk::TokenId id = 0;
    const auto [ptr, ec] = std::from_chars(text.data() + i, text.data() + j, id);
    if (ec != std::errc() || ptr != text.data() + j) {
      std::string word = text.substr(i, std::min<std::size_t>(j - i, 40));
      if (find_invalid_utf8(word)) word = "(not text)";
      bad_input(name, "'" + word + "' at byte offset " + std::to_string(i) + " is not a token id",
                "--decode reads token ids separated by spaces or newlines (or a JSON array)");
    }
    ids.push_back(id);
    i = j;
  }
  return ids;
}

// The text of `text`'s first `limit` tokens (tiktoken's decode(encode(text)[:limit])), cut on a
// character boundary, encoding to at most `limit` tokens. Not the longest such prefix: a longer
// one may exist, but the first tokens are what users of tiktoken expect. A cut at a token
// boundary can fall inside a character (byte-level BPE), so it moves back to the character's
// start; the prefix is then re-counted, since the split patterns look ahead and a prefix may
// tokenize differently from the same bytes in context.
std::string_view truncate_to(const tk::Tokenizer& t, std::string_view text, std::size_t limit) {
  const std::vector<std::size_t> ends = t.token_ends(text);
  if (ends.size() <= limit) return text;
  for (std::size_t k = limit;; --k) {
    const std::size_t cut = utf8_boundary_before(text, k == 0 ? 0 : ends[k - 1]);
    if (k == 0 || t.count(text.substr(0, cut)) <= limit) return text.substr(0, cut);
  }
}


std::string ids_line(const std::vector<tk::TokenId>& ids, bool as_json) {
  std::string out;
  out.reserve(ids.size() * 7 + 3);
  if (as_json) out += '[';
  char buf[16];
  for (std::size_t i = 0; i < ids.size(); ++i) {
    if (i > 0) out += as_json ? ',' : ' ';
    const auto r = std::to_chars(buf, buf + sizeof buf, ids[i]);
    out.append(buf, r.ptr);
  }
  if (as_json) out += ']';
  out += '\n';
  return out;
}

std::string json_string(std::string_view s) {
  return json(std::string(s)).dump(-1, ' ', false, json::error_handler_t::replace);
}

class TokensRunner {
 public:
  TokensRunner(const TokensOptions& o, ColorMode color)
      : o_(o), color_(color), tokenizer_(tk::Tokenizer::get(*tk::encoding_from_name(o.tokenizer))) {
    limit_ = o.truncate;
  }

  int run() {
    std::vector<std::string> inputs = o_.files;
    const bool from_stdin = inputs.empty() || (inputs.size() == 1 && inputs[0] == "-");
    if (inputs.empty()) inputs.emplace_back("-");
    bool failed = false;
    for (const std::string& name : inputs) {
      try {
        one(name, from_stdin);
      } catch (const Error& e) {
        if (e.code() != ExitCode::invalid_input) throw;
        // Like wc: report the input, go on with the others, fail at the end.
        std::fflush(stdout);
        print_error(e.what(), e.hint(), color_);
        failed = true;
      }
    }
    finish(inputs.size(), from_stdin);
    std::fflush(stdout);
    return failed ? to_int(ExitCode::invalid_input) : 0;
  }

 private:
  void one(const std::string& name, bool from_stdin) {
    if (o_.decode) {
      const std::vector<tk::TokenId> ids = parse_ids(name, read_input(name));
      std::string text;
      try {
        text = tokenizer_.decode(ids);
      } catch (const Error& e) {
        bad_input(name, e.what(), e.hint());
      }
      write_out(o_.out.json ? json_string(text) + "\n" : safe_on_stdout(text));
      return;
    }
    const std::string text = read_text(name);
    if (o_.ids) {
      write_out(ids_line(tokenizer_.encode(text), o_.out.json));
    } else if (limit_) {
      const std::string_view cut = truncate_to(tokenizer_, text, *limit_);
      if (o_.out.json) {
        write_out(json_text(json{{"source", name},
                       {"tokens", tokenizer_.count(cut)},
                       {"bytes", cut.size()},
                       {"truncated", cut.size() < text.size()},
                       {"text", std::string(cut)}}) +
                  "\n");
      } else {
        write_out(safe_on_stdout(cut));
      }
    } else {
      const std::size_t n = tokenizer_.count(text);
      total_ += n;
      if (o_.out.json) {
        counts_.push_back({{"source", name}, {"tokens", n}, {"bytes", text.size()}});
      } else {
        write_out(std::to_string(n) + (from_stdin ? "" : " " + safe_on_stdout(name)) + "\n");
      }
    }
  }

  // Counting ends with the total: a "total" line for several inputs, or the JSON summary.
  void finish(std::size_t inputs, bool from_stdin) {
    if (o_.ids || o_.decode || limit_) return;
    if (o_.out.json) {
      write_out(json_text(json{{"tokenizer", o_.tokenizer}, {"total", total_}, {"inputs", counts_}}) + "\n");
    } else if (inputs > 1 && !from_stdin) {
      write_out(std::to_string(total_) + " total\n");
    }
  }

  const TokensOptions& o_;
  ColorMode color_;
  const tk::Tokenizer& tokenizer_;
  std::optional<std::size_t> limit_;
  std::size_t total_ = 0;
  json counts_ = json::array();
};

const CLI::Validator k_tokenizer(
    [](std::string& v) {
      return tk::encoding_from_name(v) ? std::string{}
                                       : "'" + v + "' is not a tokenizer: use cl100k_base or o200k_base";
    },
    "");  // no description: the type name alone says NAME
}  // namespace

Run setup_tokens(CLI::App& cmd) {
  auto o = std::make_shared<TokensOptions>();
  cmd.add_option("FILE", o->files, "Files to read; '-' or none reads standard input")->type_name("FILE...");
  set_choices(cmd.add_option("--tokenizer", o->tokenizer, "cl100k_base or o200k_base (default: cl100k_base)")
                  ->check(k_tokenizer)
                  ->type_name("NAME"),
              {"cl100k_base", "o200k_base"});
  auto* ids = cmd.add_flag("--ids", o->ids, "Print the token ids, one line per input");
  auto* decode = cmd.add_flag("--decode", o->decode, "Read token ids (separated by spaces) and print their text");
  auto* truncate = check_whole_number(
      cmd.add_option("--truncate", o->truncate, "Print the input cut to at most N tokens, at a character boundary")
          ->type_name("N"),
      0, k_no_maximum, "tokens");
  ids->excludes(decode)->excludes(truncate);
  decode->excludes(truncate);
  add_output_options(cmd, o->out,
                     {"JSON output: a summary object for counts, an array of ids per input, a string per decoded "
                      "input, an object per truncated input",
                      nullptr});
  cmd.footer(
      "Examples:\n"
      "  strata tokens README.md docs/*.md\n"
      "  echo 'hello world' | strata tokens --ids --tokenizer o200k_base\n"
      "  strata tokens --ids notes.txt | strata tokens --decode\n"
      "  strata tokens --truncate 500 < long.txt > head.txt\n"
      "Exit: 0 done, 2 usage, 3 an input is missing, unreadable, binary or not UTF-8 (the others are still read)");
  return [o](const RunContext& context) { return TokensRunner(*o, context.color).run(); };
}

}  // namespace strata::cli
