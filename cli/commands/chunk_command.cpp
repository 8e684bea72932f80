#include "chunk_command.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "chunk/public.h"
#include "common/public.h"
#include "config/public.h"
#include "input.h"
#include "interface_spec.h"
#include "json_text.h"
#include "number_flags.h"
#include "option_bundles.h"
#include "output.h"
#include "settings.h"

namespace strata::cli {
namespace {

namespace ck = strata::chunk;
namespace tk = strata::tokenizer;

constexpr std::size_t k_flush_at = std::size_t{1} << 16;

enum class Format { jsonl, json_array, text };

struct ChunkCliOptions {
  std::vector<std::string> files;
  std::string format;     // empty: text on a terminal, jsonl otherwise
  // Unset: strategy markdown for .md/.markdown, recursive otherwise; size 1200; overlap 0;
  // min_size a sixth of the size, as ingest (none with --compat langchain); unit chars (tokens
  // for --strategy token); tokenizer cl100k_base.
  ChunkingFlags chunking;
  std::vector<std::string> separator;  // --separator S (repeatable, backslash escapes)
  std::string separators;              // --separators '["\n\n", "\n"]'
  std::string compat;
  bool lossy = false;
  bool no_tokens = false;
  ColorMode color = ColorMode::automatic;  // the run's (RunContext)
  // Values taken from a configuration file, by flag: "--size" -> "/p/strata.toml:3: chunk.size",
  // so a bad one is reported where it was written.
  std::map<std::string, std::string, std::less<>> from_file;
};

// How a message names the option: the flag, or the file:line and key it came from.
std::string named(const ChunkCliOptions& o, std::string_view flag) {
  const auto it = o.from_file.find(flag);
  return it == o.from_file.end() ? std::string(flag) : it->second;
}

// The flag, or the configuration key ("chunk.size", "chunk.min_size") when the value came from a
// file.
std::string short_name(const ChunkCliOptions& o, std::string_view flag) {
  if (!o.from_file.contains(flag)) return std::string(flag);
  std::string key = "chunk." + std::string(flag.substr(2));
  std::replace(key.begin(), key.end(), '-', '_');
  return key;
}

// What the flags resolve to, checked before any input is read.
struct Plan {
  Format format = Format::jsonl;
  ck::ChunkOptions chunk;
  bool strategy_given = false;  // otherwise chosen per file
  bool lossy = false;
  ColorMode color = ColorMode::automatic;

  // Token units are counted while sizing, so the field costs nothing there.
  bool emit_tokens() const { return chunk.count_tokens || chunk.unit == ck::Unit::tokens; }
};

const char* const k_formats = "jsonl, json, text";

// --separator's escapes: \n, \t, \r and \\ (a literal newline is awkward on a command line).
std::string unescape_separator(const std::string& raw) {
  std::string out;
  for (std::size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] != '\\') {
      out.push_back(raw[i]);
      continue;
    }
    if (i + 1 == raw.size()) usage("--separator '" + raw + "' ends with a lone backslash", "escapes are \\n, \\t, \\r and \\\\");
    switch (raw[++i]) {
      case 'n': out.push_back('\n'); break;
      case 't': out.push_back('\t'); break;
      case 'r': out.push_back('\r'); break;
      case '\\': out.push_back('\\'); break;
      default:
        usage("--separator '" + raw + "' has an unknown escape '\\" + std::string(1, raw[i]) + "'",
              "escapes are \\n, \\t, \\r and \\\\");
    }
  }
  return out;
}

std::vector<std::string> parse_separators_json(const std::string& text) {
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception&) {
    usage("--separators must be a JSON array of strings (got '" + text + "')",
          "for example --separators '[\"\\n\\n\", \"\\n\", \" \", \"\"]'");
  }
  if (!j.is_array() || j.empty()) {
    usage("--separators must be a non-empty JSON array of strings (got '" + text + "')",
          "for example --separators '[\"\\n\\n\", \"\\n\", \" \", \"\"]'");
  }
  std::vector<std::string> out;
  for (const auto& s : j) {
    if (!s.is_string()) usage("--separators must hold only strings (got " + json_text(s) + ")");
    out.push_back(s.get<std::string>());
  }
  return out;
}

Plan make_plan(const ChunkCliOptions& o) {
  Plan p;
  const ChunkingFlags& c = o.chunking;
  p.color = o.color;
  if (o.format.empty()) {
    p.format = ::isatty(STDOUT_FILENO) == 1 ? Format::text : Format::jsonl;
  } else if (o.format == "jsonl") {
    p.format = Format::jsonl;
  } else if (o.format == "json") {
    p.format = Format::json_array;
  } else if (o.format == "text") {
    p.format = Format::text;
  } else {
    usage("unknown format '" + o.format + "' for --format; valid formats: " + k_formats);
  }

  const bool separators_given = !o.separator.empty() || !o.separators.empty();
  if (!o.separator.empty() && !o.separators.empty()) usage("give --separator or --separators, not both");
  if (!o.compat.empty() && o.compat != "langchain") {
    usage("unknown value '" + o.compat + "' for --compat; valid: langchain");
  }
  ck::GivenChunking given;
  given.strategy = c.strategy;
  given.unit = c.unit;
  given.tokenizer = c.tokenizer.value_or(given.tokenizer);
  given.size = c.size.value_or(given.size);
  given.overlap = c.overlap.value_or(given.overlap);
  given.min_size = c.min_size;
  given.min_size_from_file = o.from_file.contains("--min-size");
  given.separators = separators_given;
  given.langchain = o.compat == "langchain";
  given.names.strategy = named(o, "--strategy");
  given.names.unit = named(o, "--unit");
  given.names.tokenizer = named(o, "--tokenizer");
  given.names.size = named(o, "--size");
  given.names.size_short = short_name(o, "--size");
  given.names.overlap = named(o, "--overlap");
  given.names.min_size = named(o, "--min-size");
  ck::CheckedChunking checked = ck::check_chunking(given);
  if (checked.error) throw std::move(*checked.error);
  p.chunk = std::move(checked.options);
  p.strategy_given = checked.strategy_chosen;

  if (!o.separators.empty()) p.chunk.separators = parse_separators_json(o.separators);
  for (const std::string& s : o.separator) p.chunk.separators.push_back(unescape_separator(s));
  for (const std::string& s : p.chunk.separators) {
    if (find_invalid_utf8(s)) usage("a separator is not valid UTF-8");
  }
  p.lossy = o.lossy;
  // Counting every chunk's tokens is a full BPE pass, several times the cost of splitting; a
  // pipeline that does not read the field can skip it. Token units count anyway.
  p.chunk.count_tokens = !o.no_tokens;
  return p;
}

// ---------------------------------------------------------------------------------------------
// Input

bool is_markdown_name(const std::string& name) {
  const auto dot = name.rfind('.');
  if (dot == std::string::npos || name.find('/', dot) != std::string::npos) return false;
  const std::string ext = to_lower(std::string_view(name).substr(dot + 1));
  return ext == "md" || ext == "markdown";
}

// ---------------------------------------------------------------------------------------------
// Output

class Writer {
 public:
  Writer() = default;
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;
  ~Writer() {
    try {
      flush();
    } catch (const Error&) {
    }
  }
  std::string& buffer() { return buf_; }
  void maybe_flush() {
    if (buf_.size() >= k_flush_at) flush();
  }
  void flush() {
    std::size_t done = 0;
    while (done < buf_.size()) {
      const ssize_t n = ::write(STDOUT_FILENO, buf_.data() + done, buf_.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        const int err = errno;
        buf_.clear();
        throw Error(ExitCode::unavailable, std::string("cannot write to standard output: ") + std::strerror(err));
      }
      done += static_cast<std::size_t>(n);
    }
    buf_.clear();
  }

 private:
  std::string buf_;
};

void append_number(std::string& out, std::size_t n) {
  char digits[24];
  const auto r = std::to_chars(digits, digits + sizeof digits, n);
  out.append(digits, r.ptr);
}

void append_field(std::string& out, const char* key, std::size_t n) {
  out += ",\"";
  out += key;
  out += "\":";
  append_number(out, n);
}

struct Emitter {
  Writer& w;
  const Plan& plan;
  bool color = false;
  std::size_t written = 0;  // chunks so far, every input together

  void begin() {
    if (plan.format == Format::json_array) w.buffer() += '[';
  }
  void end() {
    if (plan.format == Format::json_array) w.buffer() += written == 0 ? "]\n" : "\n]\n";
    w.flush();
  }

  // `text` is the chunk's text; start/end are already offsets into the original input.
  void chunk(const std::string& source, const ck::Chunk& c, std::string_view text, std::size_t start,
             std::size_t end, bool markdown) {
    std::string& out = w.buffer();
    if (plan.format == Format::text) {
      text_chunk(out, source, c, text, start, end);
    } else {
      if (plan.format == Format::json_array) out += written == 0 ? "\n" : ",\n";
      out += "{\"source\":";
      append_json_name(out, source);  // a file name: any bytes
      append_field(out, "index", c.index);
      out += ",\"text\":";
      append_json_string(out, text);
      append_field(out, "start", start);
      append_field(out, "end", end);
      append_field(out, "char_start", c.char_start);
      append_field(out, "char_end", c.char_end);
      append_field(out, "line_start", c.line_start);
      append_field(out, "line_end", c.line_end);
      if (plan.emit_tokens()) append_field(out, "tokens", c.tokens);
      if (markdown) {
        out += ",\"headings\":[";
        for (std::size_t i = 0; i < c.headings.size(); ++i) {
          if (i > 0) out += ',';
          append_json_string(out, c.headings[i]);
        }
        out += ']';
      }
      if (c.oversized) out += ",\"oversized\":true";
      out += '}';
      if (plan.format == Format::jsonl) out += '\n';
    }
    ++written;
    w.maybe_flush();
  }

  void text_chunk(std::string& out, const std::string& source, const ck::Chunk& c, std::string_view text,
                  std::size_t start, std::size_t end) {
    std::string head = "--- " + source + " #" + std::to_string(c.index) + "  bytes " + std::to_string(start) +
                       "-" + std::to_string(end) + "  lines " + std::to_string(c.line_start) + "-" +
                       std::to_string(c.line_end) + "  " + std::to_string(c.char_end - c.char_start) +
                       " chars" + (plan.emit_tokens() ? "  " + std::to_string(c.tokens) + " tokens" : "");
    if (!c.headings.empty()) {
      head += "  [";
      for (std::size_t i = 0; i < c.headings.size(); ++i) head += (i > 0 ? " > " : "") + c.headings[i];
      head += ']';
    }
    if (c.oversized) head += "  (oversized)";
    out += paint(safe(head), Tone::dim, color);
    out += '\n';
    // The text format is for reading (a pipe into head or a pager too), so the text goes through
    // the sanitiser wherever it goes, as search's snippets do; jsonl and json keep its bytes.
    out.append(safe(text));
    if (text.empty() || text.back() != '\n') out += '\n';
  }
};

// Chunks one input; returns normally or throws Error(invalid_input) before writing anything.
void chunk_one(const std::string& name, const Plan& plan, Emitter& emit) {
  std::string data = read_text_input(name, "only UTF-8 text can be chunked");
  std::optional<ck::LossyText> lossy;
  std::string_view text = data;
  if (const auto bad = find_invalid_utf8(data)) {
    if (!plan.lossy) {
      throw invalid_utf8(name, data, *bad,
                         "pass --lossy to replace invalid bytes with U+FFFD (offsets still index the original bytes)");
    }
    lossy.emplace(data);
    std::string().swap(data);  // the repaired copy is all that is needed from here on
    text = lossy->text();
  }
  ck::ChunkOptions options = plan.chunk;
  if (!plan.strategy_given) options.strategy = is_markdown_name(name) ? ck::Strategy::markdown : ck::Strategy::recursive;
  const bool markdown = options.strategy == ck::Strategy::markdown;
  const std::vector<ck::Chunk> chunks = ck::chunk_text(text, options);
  for (const ck::Chunk& c : chunks) {
    const std::string_view piece = text.substr(c.start, c.end - c.start);
    const std::size_t start = lossy ? lossy->to_original(c.start) : c.start;
    const std::size_t end = lossy ? lossy->to_original(c.end) : c.end;
    emit.chunk(name, c, piece, start, end, markdown);
  }
  // The one case a chunk may exceed --size: say so where a person will see it, not only in the
  // JSON field.
  const auto oversized = std::count_if(chunks.begin(), chunks.end(), [](const ck::Chunk& c) { return c.oversized; });
  if (oversized > 0) {
    const auto first = std::find_if(chunks.begin(), chunks.end(), [](const ck::Chunk& c) { return c.oversized; });
    const std::size_t at = lossy ? lossy->to_original(first->start) : first->start;
    print_warning(input_label(name) + ": " + std::to_string(oversized) +
                      " chunk(s) exceed --size because a single grapheme is larger than it (first at byte offset " +
                      std::to_string(at) + ")",
                  plan.color);
  }
}

// Options not given on the command line from the [chunk] section of strata.toml or the user file;
// a bad number there is named by its file, line and key.
ChunkCliOptions with_configuration(ChunkCliOptions o) {
  const auto from_file = [&o](const char* flag, std::string_view key) -> const config::Setting* {
    const config::Setting& s = configuration().get(key);
    if (!set_in_file(s)) return nullptr;
    o.from_file[flag] = s.where + ": " + std::string(key);
    return &s;
  };
  const auto text = [&](std::optional<std::string>& option, const char* flag, std::string_view key) {
    if (option) return;
    if (const config::Setting* s = from_file(flag, key)) option = s->value;
  };
  const auto count = [&](std::optional<std::size_t>& option, const char* flag, std::string_view key, std::uint64_t least) {
    if (option) return;
    if (const config::Setting* s = from_file(flag, key)) option = parse_whole_number(o.from_file[flag], s->value, least);
  };
  ChunkingFlags& c = o.chunking;
  text(c.strategy, "--strategy", "chunk.strategy");
  count(c.size, "--size", "chunk.size", 1);
  count(c.overlap, "--overlap", "chunk.overlap", 0);
  count(c.min_size, "--min-size", "chunk.min_size", 0);
  text(c.unit, "--unit", "chunk.unit");
  text(c.tokenizer, "--tokenizer", "chunk.tokenizer");
  return o;
}

int run_chunk(const ChunkCliOptions& given) {
  const ChunkCliOptions o = with_configuration(given);
  const Plan plan = make_plan(o);
  std::vector<std::string> inputs = o.files;
  if (inputs.empty()) inputs.emplace_back("-");
  Writer writer;
  Emitter emit{writer, plan, plan.format == Format::text && color_enabled(plan.color, STDOUT_FILENO)};
  emit.begin();
  bool failed = false;
  for (const std::string& name : inputs) {
    try {
      chunk_one(name, plan, emit);
    } catch (const Error& e) {
      if (e.code() != ExitCode::invalid_input) throw;
      // Like cat and wc: report the input, go on with the others, fail at the end.
      writer.flush();
      print_error(e.what(), e.hint(), plan.color);
      failed = true;
    }
  }
  emit.end();
  return failed ? to_int(ExitCode::invalid_input) : 0;
}

}  // namespace

Run setup_chunk(CLI::App& cmd) {
  auto o = std::make_shared<ChunkCliOptions>();
  cmd.add_option("FILE", o->files, "Files to chunk; '-' or none reads standard input")->type_name("");
  set_choices(cmd.add_option("--format", o->format,
                              "Output: jsonl, json or text (default: text on a terminal, jsonl otherwise)")
                  ->type_name("FORMAT"),
              {"jsonl", "json", "text"});
  add_chunking_options(cmd, o->chunking,
                       {"fixed, recursive, paragraph, sentence, markdown or token (default: markdown for .md and "
                        ".markdown files, recursive otherwise)",
                        "Join chunks smaller than N to a neighbour, never past --size (in chars or bytes chunks "
                        "fill to --size less N to leave it room); 0: off (default: a sixth of --size, as ingest)",
                        {"fixed", "recursive", "paragraph", "sentence", "markdown", "token"}});
  cmd.add_option("--separator", o->separator,
                 "Recursive separator, repeatable, in order (escapes \\n \\t \\r \\\\; \"\" = graphemes)")
      ->type_name("S")
      ->allow_extra_args(false);  // one value per flag, so a file after it stays a file
  cmd.add_option("--separators", o->separators,
                 "Recursive separators as a JSON array, e.g. '[\"\\n\\n\",\"\\n\",\" \",\"\"]'")
      ->type_name("JSON");
  set_choices(cmd.add_option("--compat", o->compat, "langchain: LangChain RecursiveCharacterTextSplitter chunk texts")
                  ->type_name("MODE"),
              {"langchain"});
  cmd.add_flag("--lossy", o->lossy, "Replace invalid UTF-8 with U+FFFD (offsets still index the original bytes)");
  cmd.add_flag("--no-tokens", o->no_tokens,
               "Leave out the tokens field (counting is most of the time; --unit tokens still counts)");
  add_color_option(cmd);
  cmd.footer(
      "Examples:\n"
      "  strata chunk notes.md\n"
      "  cat notes.md | strata chunk --size 300 --unit tokens | jq -r .text\n"
      "  git ls-files '*.md' | xargs strata chunk --format jsonl > chunks.jsonl\n"
      "Exit: 0 done, 2 usage, 3 an input is missing, binary or not UTF-8 (the others are still chunked)");
  return [o](const RunContext& context) {
    o->color = context.color;
    return run_chunk(*o);
  };
}

}  // namespace strata::cli
