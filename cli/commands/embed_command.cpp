#include "embed_command.h"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "common/public.h"
#include "embed/public.h"
#include "embed_output.h"
#include "input.h"
#include "interface_spec.h"
#include "json_text.h"
#include "number_flags.h"
#include "output.h"
#include "setting_flags.h"
#include "settings.h"
#include "store/public.h"
#include "store_options.h"

namespace strata::cli {
namespace {

namespace em = strata::embed;
using nlohmann::json;

constexpr std::uint64_t k_max_concurrency = 64;  // --concurrency: requests in flight

struct EmbedCliOptions {
  StoreOptions store;
  std::vector<std::string> texts;   // --text, repeatable
  std::vector<std::string> inputs;  // positional: '-' (standard input), or a JSONL file with --jsonl
  bool jsonl = false;
  std::optional<std::string> provider, model;
  EndpointFlags endpoint;
  // Each 1 or more (--concurrency at most k_max_concurrency), checked as they are parsed.
  std::optional<std::size_t> dimensions, concurrency, batch_size, batch_tokens, max_input_tokens;
  bool strict = false;
  bool switch_model = false;
  std::optional<std::string> query_prefix, document_prefix;  // "" clears the model's own
  OutputOptions out;  // out.color: the run's (RunContext)
  // Which flags were given (CLI11 counts), for the text-mode/collection-mode conflicts.
  bool store_given = false;
  bool collection_given = false;
};

em::EmbedSettings settings_of(const EmbedCliOptions& o) {
  em::EmbedSettings s;
  // Flags, else the [embed] section of strata.toml or the user file.
  const config::Setting& provider = setting("embed.provider", o.provider, "--provider");
  s.provider = value_of(provider);
  s.provider_source = source_of(provider, "embed.provider", "--provider");
  s.model = value_of(setting("embed.model", o.model, "--model"));
  s.dimensions = o.dimensions;
  apply_endpoint(o.endpoint, s);
  if (o.concurrency) s.concurrency = *o.concurrency;
  s.batch_inputs = o.batch_size;
  s.batch_tokens = o.batch_tokens;
  s.max_input_tokens = o.max_input_tokens;
  s.strict = o.strict;
  s.switch_model = o.switch_model;
  s.query_prefix = value_of(setting("embed.query_prefix", o.query_prefix, "--query-prefix"));
  s.document_prefix = value_of(setting("embed.document_prefix", o.document_prefix, "--document-prefix"));
  return s;
}

// The error a run ends with, after its summary: the fatal one, else a partial one. `stored`:
// vectors were stored as they came (collection mode), so the finished part is kept.
int finish(const em::EmbedReport& r, bool stored) {
  if (r.fatal) {
    std::string hint = r.fatal->hint;
    if (stored && r.stats.embedded + r.stats.cached > 0 && hint.find("saved") == std::string::npos) {
      hint += std::string(hint.empty() ? "" : "; ") + "the vectors stored before the error are kept";
    }
    throw Error(ExitCode::unavailable, r.fatal->message, hint);
  }
  if (!r.failures.empty()) {
    throw Error(ExitCode::partial,
                plural(r.failures.size(), "input was", "inputs were") + " not embedded (listed above); the other " +
                    std::to_string(r.stats.embedded + r.stats.cached) + " were",
                stored ? "fix or remove those inputs; a run with the same options embeds only what is missing"
                       : "their lines carry an \"error\" instead of an \"embedding\"");
  }
  return 0;
}

// ---------------------------------------------------------------------------------------------
// Collection mode

int run_collection(const EmbedCliOptions& o, const OutputOptions& out) {
  const em::EmbedSettings settings = settings_of(o);
  const std::unique_ptr<service::Session> session = open_session(o.store, service::Session::Access::create);
  store::Store& st = session->store();
  EmbedReporter reporter(out, "'" + o.store.collection + "'");
  const em::CollectionEmbedResult r = em::embed_collection(st, o.store.collection, settings, reporter);
  reporter.done();
  if (r.dropped > 0) {
    print_note("dropped " + plural(static_cast<std::size_t>(r.dropped), "vector", "vectors") + " of the previous model (--switch-model)", out);
  }
  print_failures(r.report.failures, out.color);
  if (out.json) {
    json j = {{"collection", r.collection},
              {"store", st.path()},
              {"provider", r.model.provider},
              {"model", r.model.model},
              {"dimensions", r.model.dimensions},
              {"server", r.model.server.empty() ? json(nullptr) : json(r.model.server)},
              {"query_prefix", r.model.query_prefix},
              {"document_prefix", r.model.document_prefix},
              {"chunks", r.chunks},
              {"already_embedded", r.already},
              {"dropped", r.dropped},
              {"failures", failures_json(r.report.failures, true)},
              {"error", r.report.fatal ? json{{"message", with_flags(r.report.fatal->message)}, {"hint", with_flags(r.report.fatal->hint)}}
                                  : json(nullptr)}};
    j.update(stats_json(r.report.stats));
    std::cout << json_text(j) << '\n' << std::flush;
  } else {
    const std::string model = model_text(r.model);
    if (r.report.stats.done() == 0 && !r.report.fatal && r.already == r.chunks) {
      print_note("nothing to embed: all " + plural(static_cast<std::size_t>(r.chunks), "chunk", "chunks") + " of collection '" +
                     r.collection + "' have vectors from " + model,
                 out);
    } else if (r.report.stats.done() > 0 || !r.report.fatal) {  // a run that did nothing: the error alone says why
      print_note(embed_summary(r.report.stats, "chunk", "chunks") + " · collection '" + r.collection + "', " + model, out);
    }
  }
  return finish(r.report, true);
}

// ---------------------------------------------------------------------------------------------
// Text mode

// Texts from --text, one text from standard input ('-'), or JSON Lines records.
class TextSource final : public em::InputSource {
 public:
  explicit TextSource(const EmbedCliOptions& o) : o_(o) {
    if (o.jsonl) {
      name_ = o.inputs.empty() ? "-" : o.inputs.front();
      if (name_ != "-") {
        file_ = std::fopen(name_.c_str(), "rb");
        if (file_ == nullptr) {
          throw Error(ExitCode::invalid_input, input_label(name_) + ": " + std::strerror(errno));
        }
      }
    }
  }
  ~TextSource() override {
    if (file_ != nullptr) std::fclose(file_);
  }
  TextSource(const TextSource&) = delete;
  TextSource& operator=(const TextSource&) = delete;

  // The id each input was given in --jsonl (null otherwise), by position.
  const std::vector<json>& ids() const { return ids_; }

  bool next(std::vector<em::EmbedInput>& page) override {
    page.clear();
    if (o_.jsonl) return next_records(page);
    if (done_) return false;
    done_ = true;
    if (!o_.texts.empty()) {
      for (std::size_t i = 0; i < o_.texts.size(); ++i) add(page, o_.texts[i], "--text " + std::to_string(i + 1), "--text", json(nullptr));
    } else {
      std::string text = read_input("-");
      // Its zero vector would be printed as if something had been embedded: an empty stdin is an
      // upstream command that failed far more often than a wish to embed nothing.
      if (text.empty()) {
        throw Error(ExitCode::invalid_input, "standard input ('-') is empty: nothing to embed",
                    "pipe the text in, or give it with --text");
      }
      add(page, std::move(text), "standard input", "-", json(nullptr));
    }
    return !page.empty();
  }

 private:
  void add(std::vector<em::EmbedInput>& page, std::string text, std::string label, const std::string& name, json id) {
    if (const auto bad = find_invalid_utf8(text)) throw invalid_utf8(name, text, *bad, "only UTF-8 text can be embedded");
    page.push_back(em::EmbedInput{static_cast<std::int64_t>(ids_.size()), std::move(text), std::move(label)});
    ids_.push_back(std::move(id));
  }

  bool read_line(std::string& line) {
    line.clear();
    FILE* f = file_ != nullptr ? file_ : stdin;
    char buf[1 << 16];
    while (std::fgets(buf, sizeof buf, f) != nullptr) {
      line += buf;
      if (!line.empty() && line.back() == '\n') return true;
    }
    if (std::ferror(f) != 0) throw Error(ExitCode::invalid_input, input_label(name_) + ": read error: " + std::strerror(errno));
    return !line.empty();
  }

  [[noreturn]] void bad_record(const std::string& what) const {
    throw Error(ExitCode::invalid_input, input_label(name_) + ": line " + std::to_string(line_no_) + ": " + what,
                "each line must be a JSON object such as {\"id\": \"a\", \"text\": \"...\"}");
  }

  bool next_records(std::vector<em::EmbedInput>& page) {
    std::string line;
    while (page.size() < 256 && read_line(line)) {
      ++line_no_;
      if (trim(line).empty()) continue;
      ParsedJson parsed = parse_json_within(line, {.max_depth = 64, .max_bytes = line.size()});
      if (parsed.beyond_limits()) bad_record("JSON " + parsed.message);
      const json j = std::move(parsed.value);
      if (!parsed.ok() || !j.is_object()) bad_record("not a JSON object");
      if (!j.contains("text") || !j["text"].is_string()) bad_record("no \"text\" string");
      json id = j.contains("id") ? j["id"] : json(nullptr);
      if (!id.is_null() && !id.is_string() && !id.is_number_integer()) bad_record("\"id\" must be a string or an integer");
      std::string label = "line " + std::to_string(line_no_);
      if (!id.is_null()) label += " (id " + json_text(id) + ")";
      add(page, j["text"].get<std::string>(), std::move(label), name_, std::move(id));
    }
    return !page.empty();
  }

  const EmbedCliOptions& o_;
  std::string name_;
  FILE* file_ = nullptr;
  bool done_ = false;
  std::size_t line_no_ = 0;
  std::vector<json> ids_;
};

void append_float(std::string& out, float x) {
  char buf[32];
  const auto r = std::to_chars(buf, buf + sizeof buf, x);
  out.append(buf, r.ptr);
}

// One JSON object per input, in input order: {"index":i,["id":…,]"embedding":[…]}, or
// {"index":i,["id":…,]"error":"…"} for an input that was refused. --json wraps them in an array.
class VectorWriter final : public em::TextOutput {
 public:
  VectorWriter(const TextSource& source, bool array) : source_(source), array_(array) {}
  ~VectorWriter() override = default;
  VectorWriter(const VectorWriter&) = delete;
  VectorWriter& operator=(const VectorWriter&) = delete;

  void vector(std::int64_t key, const em::Vector& v) override {
    begin(key);
    buf_ += ",\"embedding\":[";
    for (std::size_t i = 0; i < v.size(); ++i) {
      if (i > 0) buf_ += ',';
      append_float(buf_, v[i]);
    }
    buf_ += "]}";
    end_record();
  }

  void failed(std::int64_t key, const std::string&, const std::string& message) override {
    begin(key);
    buf_ += ",\"error\":";
    append_json_string(buf_, message);
    buf_ += '}';
    end_record();
  }

  void close() {
    if (array_) buf_ += written_ == 0 ? "[]\n" : "\n]\n";
    flush();
  }

 private:
  void begin(std::int64_t key) {
    if (array_) buf_ += written_ == 0 ? "[\n" : ",\n";
    buf_ += "{\"index\":" + std::to_string(key);
    const json& id = source_.ids()[static_cast<std::size_t>(key)];
    if (!id.is_null()) buf_ += ",\"id\":" + json_text(id);
  }
  void end_record() {
    if (!array_) buf_ += '\n';
    ++written_;
    if (buf_.size() > (std::size_t{1} << 16)) flush();
  }
  void flush() {
    write_out(buf_);
    std::cout.flush();
    buf_.clear();
  }

  const TextSource& source_;
  bool array_;
  std::size_t written_ = 0;
  std::string buf_;
};

int run_text(const EmbedCliOptions& o, const OutputOptions& out) {
  if (o.store_given || o.collection_given) usage("--store and --collection apply to collection mode, not to --text, - or --jsonl");
  if (!o.texts.empty() && !o.inputs.empty()) usage("give --text or standard input ('-'), not both");
  if (!o.jsonl && !o.inputs.empty() && (o.inputs.size() > 1 || o.inputs.front() != "-")) {
    usage("the only input argument is '-' (standard input); files are read with --jsonl FILE");
  }
  if (o.jsonl && (!o.texts.empty() || o.inputs.size() > 1)) usage("--jsonl reads one file or standard input, without --text");
  em::EmbedSettings settings = settings_of(o);
  // Texts are no collection's: [embed]'s prefixes are a collection's defaults, not theirs.
  settings.query_prefix = o.query_prefix;
  settings.document_prefix = o.document_prefix;
  TextSource source(o);
  VectorWriter writer(source, o.out.json);
  EmbedReporter reporter(out, "texts");
  const em::TextEmbedResult r = em::embed_texts(source, settings, reporter, writer);
  reporter.done();
  writer.close();
  print_failures(r.report.failures, out.color);
  if (r.report.stats.done() > 0 || !r.report.fatal) {  // a run that did nothing: the error alone says why
    print_note(embed_summary(r.report.stats, "text", "texts") + " · " + r.provider + " " + r.model + " (" +
                   std::to_string(r.dimensions) + " dimensions)",
               out);
  }
  return finish(r.report, false);
}

int run_embed(const EmbedCliOptions& o) {
  const OutputOptions& out = o.out;
  const bool text_mode = !o.texts.empty() || !o.inputs.empty() || o.jsonl;
  if (text_mode) return run_text(o, out);
  return run_collection(o, out);
}

}  // namespace

Run setup_embed(CLI::App& command) {
  auto o = std::make_shared<EmbedCliOptions>();
  CLI::App* cmd = &command;
  cmd->add_option("INPUT", o->inputs, "'-' embeds standard input as one text; with --jsonl, a JSONL file (default: stdin)")
      ->type_name("");
  add_store_option(*cmd, o->store);
  add_collection_option(*cmd, o->store);
  // One value per --text: `--text a --text b`, so that a following '-' stays an input.
  cmd->add_option("--text", o->texts, "Embed this text and print its vector as JSON (repeatable)")
      ->type_name("TEXT")
      ->allow_extra_args(false);
  cmd->add_flag("--jsonl", o->jsonl, "Read {\"id\",\"text\"} JSON Lines records and print one vector per record");
  set_choices(cmd->add_option("--provider", o->provider,
                               "local (built in, lexical, no network) or openai (any /v1/embeddings server)")
                  ->type_name("NAME"),
              {"local", "openai"});
  cmd->add_option("--model", o->model, "Model name (default: the collection's, else hash-ngram-v2 (local) or text-embedding-3-small)")
      ->type_name("NAME");
  const auto count = [&](const char* name, std::optional<std::size_t>& value, const char* help,
                         std::uint64_t maximum = k_no_maximum) {
    check_whole_number(cmd->add_option(name, value, help)->type_name("N"), 1, maximum);
  };
  count("--dimensions", o->dimensions, "Vector size (local: 16-8192, default 384; openai: sent to the server)");
  add_embedding_endpoint_options(*cmd, o->endpoint);
  count("--concurrency", o->concurrency, "Requests in flight, 1 to 64 (default: 4)", k_max_concurrency);
  count("--batch-size", o->batch_size, "Most inputs per request (default: the model's limit, at most 256; 64 for local)");
  count("--batch-tokens", o->batch_tokens, "Most tokens per request (default: the model's limit)");
  count("--max-input-tokens", o->max_input_tokens, "Most tokens per input (default: the model's limit)");
  cmd->add_flag("--strict", o->strict, "Refuse inputs over the model's token limit instead of truncating them");
  cmd->add_flag("--switch-model", o->switch_model,
                "Drop the collection's vectors and re-embed it with another model (cached vectors are reused)");
  cmd->add_option("--query-prefix", o->query_prefix,
                  "Text before every query (default: the collection's, else the model's own; '' for none; a change needs "
                  "--switch-model)")
      ->type_name("TEXT");
  cmd->add_option("--document-prefix", o->document_prefix,
                  "Text before every chunk (default: the collection's, else the model's own; '' for none; a change needs "
                  "--switch-model)")
      ->type_name("TEXT");
  add_output_options(*cmd, o->out,
                     {"Collection mode: a JSON summary on stdout; text mode: one JSON array",
                      "No progress, notes or summary on stderr (warnings and errors remain)"});
  cmd->footer(
      "Examples:\n"
      "  strata embed --collection docs\n"
      "  strata embed --collection docs --base-url http://localhost:11434/v1 --model nomic-embed-text\n"
      "  OPENAI_API_KEY=... strata embed --collection docs --model text-embedding-3-small\n"
      "  strata embed --text 'how do I roll back?' | jq '.embedding | length'\n"
      "Exit: 0 done, 2 usage or model conflict, 3 no such collection or bad input, 7 store or server\n"
      "unavailable (finished batches are kept), 8 some inputs were refused (listed; the rest were embedded)");
  return [o, cmd](const RunContext& context) {
    o->store_given = cmd->count("--store") > 0;
    o->collection_given = cmd->count("--collection") > 0;
    o->out.color = context.color;
    return run_embed(*o);
  };
}

}  // namespace strata::cli
