#include "ask_command.h"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <csignal>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <functional>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "ask/public.h"
#include "common/public.h"
#include "config/public.h"
#include "config_command.h"
#include "embed_output.h"
#include "flag_values.h"
#include "input.h"
#include "llm/public.h"
#include "number_flags.h"
#include "option_bundles.h"
#include "output.h"
#include "progress.h"
#include "store/public.h"
#include "store_options.h"

namespace strata::cli {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

struct AskCliOptions {
  StoreOptions store;
  std::vector<std::string> question;  // the words, joined by spaces
  RetrievalFlags retrieval;
  EndpointFlags endpoint;  // the chat server
  std::optional<std::uint64_t> context_tokens, max_tokens, conversation;  // 1 or more
  std::optional<double> temperature;                                      // 0 to 2
  std::optional<std::string> provider, model;
  std::string system;  // --system TEXT or @FILE; unless given: [llm] system
  bool no_cache = false, redact = false, raw = false, context_only = false;
  bool continue_last = false, no_stream = false;
  OutputOptions out;  // out.color: the run's (RunContext)
};

// `strata ask -`: the question is standard input, as `llm` and `aichat` read it (echo q | strata
// ask -). Bounded: a question is a prompt, not a document, and a runaway pipe must not fill memory.
constexpr std::size_t k_max_stdin_question = 1 << 20;

std::string question_from_stdin() {
  std::string text;
  char buf[65536];
  std::size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, stdin)) > 0) {
    text.append(buf, n);
    if (text.size() > k_max_stdin_question) {
      usage("the question on standard input is longer than 1 MiB", "put a long text into the collection with strata ingest");
    }
  }
  if (std::ferror(stdin)) usage(std::string("cannot read the question from standard input: ") + std::strerror(errno));
  return text;
}

// --system TEXT, or @FILE for a file's text (@@ for a text that starts with @). Bounded, UTF-8.
constexpr std::size_t k_max_system_bytes = 64 * 1024;

std::string system_text(const std::string& value) {
  std::string text = value.starts_with("@@") ? value.substr(1) : value;
  std::string what = "--system";
  if (value.starts_with("@") && !value.starts_with("@@")) {
    const std::string path = value.substr(1);
    what = "--system " + path;
    text = read_input(path);  // Error(invalid_input) naming the file when it cannot be read
    if (text.size() > k_max_system_bytes) usage(what + ": larger than 64 KiB", "instructions are a prompt, not a document");
  }
  if (const std::optional<std::size_t> bad = find_invalid_utf8(text)) {
    usage(what + ": not UTF-8 text (invalid byte at offset " + std::to_string(*bad) + ")");
  }
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  if (text.find_first_not_of(" \t\r\n") == std::string::npos) usage(what + ": the instructions are empty");
  return text;
}

// --system, else [llm] system; [llm] prompt_template, checked where it was written.
llm::PromptSettings prompt_settings(const AskCliOptions& o) {
  llm::PromptSettings p;
  const config::Setting& system = configuration().get("llm.system");
  if (!o.system.empty()) {
    p.system = system_text(o.system);
  } else if (system.set() && !system.value.empty()) {
    p.system = system.value;
  }
  const config::Setting& tmpl = configuration().get("llm.prompt_template");
  if (tmpl.set() && !tmpl.value.empty()) {
    const std::string why = llm::check_prompt_template(tmpl.value);
    if (!why.empty()) usage(tmpl.where + ": llm.prompt_template: " + why);
    p.user_template = tmpl.value;
  }
  return p;
}

ask::AskRequest request_of(const AskCliOptions& o) {
  ask::AskRequest r;
  apply_embed_server(std::nullopt, std::nullopt, r.embed);  // the question's embedding: the collection's server, as search's
  if (o.question.size() == 1 && o.question[0] == "-") {
    r.question = question_from_stdin();
    if (r.question.find_first_not_of(" \t\r\n") == std::string::npos) usage("the question on standard input is empty");
    // A trailing newline from echo or a file is not part of the question.
    while (!r.question.empty() && (r.question.back() == '\n' || r.question.back() == '\r')) r.question.pop_back();
  } else {
    for (const std::string& w : o.question) r.question += (r.question.empty() ? "" : " ") + w;
  }
  if (r.question.find_first_not_of(" \t\r\n") == std::string::npos) usage("the question is empty");
  r.collection = o.store.collection;
  const RetrievalFlags& f = o.retrieval;
  apply_retrieval(f, r.k, r.mode, r.where);
  r.vector_weight = chosen_vector_weight(f.vector_weight);
  r.rerank = chosen_rerank(f.rerank, f.rerank_url, f.rerank_model, f.rerank_api_key_env);
  if (o.context_tokens) r.context_tokens = static_cast<std::size_t>(*o.context_tokens);
  r.max_tokens = o.max_tokens;
  r.temperature = o.temperature;
  r.max_retries = o.endpoint.max_retries;
  // The stream's idle timer counts whole seconds: a fraction rounds up.
  if (const auto timeout = o.endpoint.timeout_ms()) r.idle_timeout = std::chrono::ceil<std::chrono::seconds>(*timeout);
  if (o.conversation) r.conversation = static_cast<std::int64_t>(*o.conversation);
  if (r.conversation && o.continue_last) usage("give --continue or --conversation, not both");
  r.continue_last = o.continue_last;
  r.redact = o.redact;
  r.use_cache = !o.no_cache;
  r.stream = !o.no_stream;
  r.context_only = o.context_only;
  r.prompt = prompt_settings(o);
  return r;
}

void write_out(std::string_view s) {
  if (s.empty()) return;
  if (std::fwrite(s.data(), 1, s.size(), stdout) != s.size()) {
    throw Error(ExitCode::unavailable, std::string("cannot write to standard output: ") + std::strerror(errno));
  }
}

// Prints the answer as it streams: through the terminal sanitiser unless --raw, flushed per
// piece so a reader sees each token as it comes.
class AnswerPrinter final : public ask::AskObserver {
 public:
  using Answered = std::function<void(const ask::AskResult&)>;
  AnswerPrinter(bool raw, bool silent, const OutputOptions& out, Answered on_answered)
      : raw_(raw), silent_(silent), out_(out), on_answered_(std::move(on_answered)) {}
  ~AnswerPrinter() override { clear_status(); }  // also when an error ends the run
  AnswerPrinter(const AnswerPrinter&) = delete;
  AnswerPrinter& operator=(const AnswerPrinter&) = delete;

  void text(std::string_view delta) override {
    clear_status();
    if (silent_) return;
    const std::string safe = raw_ ? std::string(delta) : sanitizer_.feed(delta);
    emit(safe);
  }

  // On a terminal, one status line that each retry redraws (cleared before anything else is
  // printed); elsewhere a line per retry, for the log.
  void retrying(const std::string& why, std::chrono::milliseconds wait) override {
    if (out_.quiet) return;
    const std::string line = "strata: " + retry_text(why, wait);
    if (ProgressLine::stderr_is_terminal()) {
      const std::size_t columns = terminal_columns(STDERR_FILENO);
      std::cerr << "\r\x1b[K" << fit_to_width(line, columns > 1 ? columns - 1 : 79) << std::flush;
      status_drawn_ = true;
    } else {
      std::cerr << line << '\n';
    }
  }

  void answered(const ask::AskResult& result) override {
    clear_status();
    finish();
    on_answered_(result);
  }

  // The end of the answer: whatever the sanitiser held back, then a line end.
  void finish() {
    if (silent_) return;
    if (!raw_) emit(sanitizer_.finish());
    if (printed_ && !ends_with_newline_) emit("\n");
    std::fflush(stdout);
  }

  bool printed() const { return printed_; }

 private:
  void emit(std::string_view s) {
    if (s.empty()) return;
    write_out(s);
    std::fflush(stdout);
    printed_ = true;
    ends_with_newline_ = s.back() == '\n';
  }

  bool raw_, silent_;
  const OutputOptions& out_;
  Answered on_answered_;
  llm::TerminalSanitizer sanitizer_;
  bool printed_ = false;
  bool ends_with_newline_ = true;
  bool status_drawn_ = false;

  void clear_status() {
    if (status_drawn_) std::cerr << "\r\x1b[K" << std::flush;
    status_drawn_ = false;
  }
};

std::string safe_text(const std::string& s, bool raw) { return raw ? s : llm::sanitize_for_terminal(s); }

std::string ms_text(double ms) {
  char buf[32];
  std::snprintf(buf, sizeof buf, ms < 10 ? "%.1f ms" : "%.0f ms", ms);
  return buf;
}

double rounded(double ms) { return std::round(ms * 1000) / 1000; }

json optional_json(const std::optional<std::uint64_t>& v) { return v ? json(*v) : json(nullptr); }

json sources_json(const llm::ContextPack& pack) {
  json list = json::array();
  for (const llm::Source& s : pack.sources) {
    const store::ChunkRef& c = s.chunk;
    json j = {{"n", s.number},
              {"document", c.document_id},
              {"source", c.source},
              {"lines", json::array({c.line_start, c.line_end})},
              {"score", s.score},
              {"text", c.text},
              {"chunk_ids", s.chunk_ids}};
    j["pages"] = c.page_start ? json::array({*c.page_start, c.page_end.value_or(*c.page_start)}) : json(nullptr);
    list.push_back(std::move(j));
  }
  return list;
}

json timings_json(const ask::AskTimings& t) {
  return json{{"open_ms", rounded(t.open_ms)},         {"rewrite_ms", rounded(t.rewrite_ms)},
              {"retrieval_ms", rounded(t.retrieval_ms)},
              {"pack_ms", rounded(t.pack_ms)},         {"cache_ms", rounded(t.cache_ms)},
              {"client_ms", rounded(t.client_ms)},     {"llm_ms", rounded(t.llm_ms)},
              {"first_text_ms", rounded(t.first_text_ms)},
              {"answer_ms", rounded(t.answer_ms)},     {"citations_ms", rounded(t.citations_ms)},
              {"log_ms", rounded(t.log_ms)},           {"own_ms", rounded(t.own_ms())},
              {"total_ms", rounded(t.total_ms)}};
}

json result_json(const ask::AskResult& r) {
  return json{{"answer", r.answer},
              {"abstained", r.abstained},
              {"retrieval_query", r.retrieval_query ? json(*r.retrieval_query) : json(nullptr)},
              {"rewritten", r.rewritten},
              {"rewrite_cached", r.rewrite_cached},
              {"absent_words", r.absent_words},
              {"citations", r.citations.cited},
              {"unknown_citations", r.citations.unknown},
              {"sources", sources_json(r.pack)},
              {"provider", ask::to_string(r.provider.kind)},
              {"model", r.model},
              {"usage", {{"input_tokens", optional_json(r.usage.input_tokens)},
                         {"output_tokens", optional_json(r.usage.output_tokens)}}},
              {"cached", r.cached},
              {"partial", r.partial},
              {"finish_reason", r.finish_reason ? json(*r.finish_reason) : json(nullptr)},
              {"mode", std::string(search::to_string(r.mode))},
              {"conversation", r.conversation_id ? json(*r.conversation_id) : json(nullptr)},
              {"call", r.call_id},
              {"timings", timings_json(r.timings)}};
}

// The sources the answer cites, as `[n] path:Lstart-Lend`; all of them when it cites none (a
// model that ignored the instruction, or an offline answer that matched nothing).
void print_sources(const ask::AskResult& r, bool raw, bool color) {
  if (r.pack.sources.empty()) return;
  std::vector<bool> cited(r.pack.sources.size() + 1, r.citations.cited.empty());
  for (const std::size_t n : r.citations.cited) cited[n] = true;
  std::string out = "\n";
  for (const llm::Source& s : r.pack.sources) {
    if (!cited[s.number]) continue;
    out += paint("[" + std::to_string(s.number) + "]", Tone::bold, color) + " " +
           safe_text(llm::location_of(s), raw) + "\n";
  }
  write_out(out);
}

// Everything a reader needs once the answer is complete: the end of the answer, the partial
// marker, the cited sources and the warnings about it. Runs before the log is written.
void print_answered(const ask::AskResult& r, const ask::AskRequest& request, const AskCliOptions& o,
                    const OutputOptions& out) {
  if (!out.json) {
    if (r.partial) {
      write_out(r.interrupted ? "[partial answer: interrupted (Ctrl-C)]\n"
                              : "[partial answer: the stream was cut before the model finished]\n");
    }
    if (r.answer.empty() && r.pack.sources.empty()) {
      print_warning("nothing in collection '" + o.store.collection + "' matches the question", out.color);
    } else if (r.abstained) {
      write_out("\n");  // no source backs an abstention
    } else {
      print_sources(r, o.raw, color_enabled(out.color, STDOUT_FILENO));
    }
    std::fflush(stdout);
  }
  if (!r.citations.unknown.empty()) {
    std::string numbers;
    for (const std::size_t n : r.citations.unknown) numbers += (numbers.empty() ? "[" : ", [") + std::to_string(n) + "]";
    print_warning("the answer cites " + numbers + ", which matches no source (there " +
                      (r.pack.sources.size() == 1 ? "is 1 source" : "are " + std::to_string(r.pack.sources.size()) + " sources") +
                      "); check those claims",
                  out.color);
  }
  if (r.offline && !r.matched && !r.abstained && !r.pack.sources.empty()) {
    print_warning("no sentence of the sources matches the question closely; shown: the opening of source [1]", out.color);
  }
  if (!r.rerank_failure.empty()) {
    print_warning(llm::sanitize_for_terminal(r.rerank_failure) + "; the sources are in retrieval order", out.color);
  }
  if (!r.rewrite_error.empty()) {
    std::string why = llm::sanitize_for_terminal(r.rewrite_error);
    std::replace(why.begin(), why.end(), '\n', ' ');
    print_warning("the follow-up could not be rewritten as a standalone question (" + why +
                      "); retrieved with the earlier questions' words instead",
                  out.color);
  }
  if (r.finish_reason && llm::finished_by_length(*r.finish_reason)) {
    print_warning("the answer stopped at the output limit" +
                      std::string(request.max_tokens ? " (--max-tokens " + std::to_string(*request.max_tokens) + ")" : ""),
                  out.color);
  }
}

std::string summary_of(const ask::AskResult& r, const std::string& collection) {
  std::string s;
  if (r.offline) {
    s = "offline answer (no model configured)";
  } else {
    s = r.model;
    if (r.usage.input_tokens || r.usage.output_tokens) {
      s += " · " + (r.usage.input_tokens ? std::to_string(*r.usage.input_tokens) : std::string("?")) + " in, " +
           (r.usage.output_tokens ? std::to_string(*r.usage.output_tokens) : std::string("?")) + " out";
    }
    if (r.cached) s += " · from cache";
  }
  s += " · " + std::to_string(r.pack.sources.size()) + (r.pack.sources.size() == 1 ? " source" : " sources") +
       " from '" + collection + "' (" + std::string(search::to_string(r.mode)) + ")";
  if (r.conversation_id) s += " · conversation " + std::to_string(*r.conversation_id);
  s += " · " + ms_text(r.timings.total_ms);
  return s;
}

// Ctrl-C while a model answers: the first one stops the request (ChatClientOptions::cancel), so
// that what was printed is logged as a partial answer, marked interrupted; the handler is then
// the default again, so a second Ctrl-C ends the process at once. A SIGINT the caller ignores
// (a background job of a script) stays ignored.
std::atomic<bool> g_interrupted{false};

extern "C" void on_interrupt(int) { g_interrupted.store(true); }

class InterruptGuard {
 public:
  InterruptGuard() {
    struct sigaction current {};
    ::sigaction(SIGINT, nullptr, &current);
    if (current.sa_handler == SIG_IGN) return;
    struct sigaction action {};
    action.sa_handler = on_interrupt;
    action.sa_flags = static_cast<int>(SA_RESETHAND);  // the second Ctrl-C is the default: the process ends
    sigemptyset(&action.sa_mask);
    installed_ = ::sigaction(SIGINT, &action, &previous_) == 0;
  }
  ~InterruptGuard() {
    if (installed_) ::sigaction(SIGINT, &previous_, nullptr);
  }
  InterruptGuard(const InterruptGuard&) = delete;
  InterruptGuard& operator=(const InterruptGuard&) = delete;

 private:
  struct sigaction previous_ {};
  bool installed_ = false;
};

// After an interrupted answer is logged: end the way an interrupted program does, killed by
// SIGINT, so that a shell loop or a script stops too (exit status 130 in the shell).
[[noreturn]] void end_interrupted() {
  std::fflush(stdout);
  std::signal(SIGINT, SIG_DFL);
  std::raise(SIGINT);
  std::_Exit(130);
}

int run_ask(const AskCliOptions& o) {
  const OutputOptions& out = o.out;
  const ask::AskRequest request = request_of(o);
  // Each a flag, else its STRATA_LLM_* variable, else the [llm] section of strata.toml or the user file.
  ask::ProviderFlags flags;
  const config::Setting& chosen = setting("llm.provider", o.provider, "--provider");
  flags.provider = value_of(chosen);
  flags.provider_source = source_of(chosen, "llm.provider", "--provider");
  flags.model = value_of(setting("llm.model", o.model, "--model"));
  const config::Setting& base_url = setting("llm.base_url", o.endpoint.base_url, "--base-url");
  flags.base_url = value_of(base_url);
  flags.base_url_source = source_of(base_url, "llm.base_url", "--base-url");
  const config::Setting& key_env = setting("llm.api_key_env", o.endpoint.api_key_env, "--api-key-env");
  flags.api_key_env = value_of(key_env);
  if (flags.api_key_env) flags.api_key_env_source = source_of(key_env, "llm.api_key_env", "--api-key-env");
  flags.key_allowed = [url_given = o.endpoint.base_url.has_value(), key_given = o.endpoint.api_key_env.has_value()] {
    return key_may_go("llm.base_url", url_given, key_given ? "--api-key-env" : "");
  };
  const ask::ResolvedProvider provider = ask::resolve_provider(flags, process_getenv());
  if (o.redact && provider.kind == ask::ProviderKind::none && !o.context_only && !out.quiet) {
    print_note("--redact: nothing is sent anywhere offline, so nothing is redacted", out);
  }

  const std::string path = store_path(o.store);
  const auto t_open = Clock::now();
  store::Store st = [&] {
    try {
      return store::Store::open_existing(path, store_open_options());
    } catch (const Error& e) {
      throw Error(e.code(), e.what(),
                  e.hint().empty() ? "ingest documents first: strata ingest PATH (or give --store)" : e.hint());
    }
  }();
  const double open_ms = ms_since(t_open);

  AnswerPrinter printer(o.raw, out.json || o.context_only, out,
                        [&](const ask::AskResult& done) { print_answered(done, request, o, out); });
  ask::AskRequest cancellable = request;
  cancellable.cancel = &g_interrupted;
  ask::AskResult r = [&] {
    const InterruptGuard guard;
    try {
      return ask::ask(st, cancellable, provider, printer);
    } catch (const Error&) {
      if (g_interrupted.load()) end_interrupted();  // before the answer began: nothing to log but the error
      throw;
    }
  }();
  r.timings.open_ms = open_ms;

  if (o.context_only) {
    if (out.json) {
      json j = {{"system", r.prompt.system}, {"user", r.prompt.user}, {"sources", sources_json(r.pack)},
                {"tokens", r.pack.tokens}, {"budget", r.context_budget}};
      write_out(j.dump(-1, ' ', false, json::error_handler_t::replace) + "\n");
    } else {
      write_out(r.prompt.system + "\n\n" + r.prompt.user);
      if (r.prompt.user.empty() || r.prompt.user.back() != '\n') write_out("\n");
    }
    std::fflush(stdout);
    if (!r.pack.skipped.empty()) {
      print_note(std::to_string(r.pack.skipped.size()) + " retrieved chunks did not fit --context-tokens " +
                     std::to_string(r.context_budget),
                 out);
    }
    return 0;
  }

  if (out.json) write_out(result_json(r).dump(-1, ' ', false, json::error_handler_t::replace) + "\n");
  std::fflush(stdout);
  if (!out.json && !r.partial) {
    // Painted after the sanitiser (print_note would take the colour out too); the model name and
    // collection come from the server and the store.
    if (!out.quiet) {
      std::cerr << paint(safe(summary_of(r, o.store.collection)), Tone::dim, color_enabled(out.color, STDERR_FILENO)) << '\n';
    }
  }
  if (r.interrupted) {
    print_warning("interrupted: the partial answer is logged as partial (strata logs)", out.color);
    end_interrupted();
  }
  if (r.partial) {
    const std::string why = r.error ? r.error->what() : "the answer was cut off";
    throw Error(ExitCode::partial, why,
                "the partial answer is shown and logged as partial; asking again starts a new answer");
  }
  return 0;
}

}  // namespace

Run setup_ask(CLI::App& cmd) {
  auto o = std::make_shared<AskCliOptions>();
  cmd.add_option("QUESTION", o->question, "The question (several words are joined with spaces; - reads it from standard input)")
      ->required()
      ->type_name("");
  add_store_option(cmd, o->store);
  add_collection_option(cmd, o->store);
  add_retrieval_options(cmd, o->retrieval, "Chunks retrieved before packing, 1 to 1000 (default: 20)");
  cmd.add_option("--provider", o->provider,
                 "openai (any /v1/chat/completions server), anthropic, or none (default: $STRATA_LLM_PROVIDER, else "
                 "openai when a model or base URL is given, else none: the offline answer)")
      ->type_name("NAME");
  cmd.add_option("--model", o->model, "Model name (default: $STRATA_LLM_MODEL, else gpt-4o-mini or claude-3-5-haiku-latest)")
      ->type_name("NAME");
  add_endpoint_options(
      cmd, o->endpoint,
      {"Server URL up to /chat/completions, e.g. http://localhost:11434/v1 (default: $STRATA_LLM_BASE_URL, else the "
       "provider's API)",
       "Environment variable holding the API key (default: OPENAI_API_KEY or ANTHROPIC_API_KEY)",
       "Give up on a stream that brings nothing new for SECS seconds, rounded up to whole seconds (default: 120)",
       "Retries of a request that failed before the answer began, 0 to 100 (default: 4)"});
  check_decimal(cmd.add_option("--temperature", o->temperature, "Sampling temperature, 0 to 2 (default: the server's)")
                    ->type_name("T"),
                0, 2);
  check_whole_number(
      cmd.add_option("--max-tokens", o->max_tokens, "Longest answer in tokens (default: the server's; anthropic 4096)")
          ->type_name("N"),
      1);
  check_whole_number(cmd.add_option("--context-tokens", o->context_tokens,
                                    "Tokens of sources in the prompt (default: from the model's window, at most 8000; "
                                    "offline 4000)")
                         ->type_name("N"),
                     1);
  cmd.add_flag("-c,--continue", o->continue_last, "Continue the most recent conversation");
  check_whole_number(cmd.add_option("--conversation", o->conversation, "Continue conversation ID (see strata logs)")
                         ->type_name("ID"),
                     1);
  cmd.add_flag("--no-cache", o->no_cache, "Ask the model even when the store has this exact request's answer");
  cmd.add_flag("--no-stream", o->no_stream, "Ask for the whole answer at once (servers that cannot stream)");
  cmd.add_flag("--redact", o->redact,
               "Remove e-mail addresses, phone and card numbers, IP addresses and keys from the sources sent");
  cmd.add_flag("--raw", o->raw, "Print the model's output as it is, escape sequences included");
  cmd.add_flag("--context-only", o->context_only, "Print the prompt that would be sent, and stop");
  cmd.add_option("--system", o->system,
                 "Your own instructions for the model, TEXT or @FILE, before strata's (which keep the answer to the sources, cited) (default: [llm] system)");
  add_output_options(cmd, o->out,
                     {"One JSON object: answer, citations, sources, model, usage, cached, timings (nothing streamed)",
                      "No notes or summary on stderr (warnings and errors remain)"});
  cmd.footer(
      "Examples:\n"
      "  strata ask 'how do I roll back a migration?'\n"
      "  strata ask --base-url http://localhost:11434/v1 --model llama3.2 'what does redo do?'\n"
      "  OPENAI_API_KEY=... strata ask --model gpt-4o-mini 'what does redo do?'\n"
      "  strata ask -c 'and for the store?'\n"
      "  strata ask --json 'what is a checksum?' | jq -r .answer\n"
      "Exit: 0 answered, 2 usage (e.g. bad -k, --where or --vector-weight), key rejected or prompt too long,\n"
      "7 store or server unavailable, 8 the answer was cut off (the partial answer is printed)");
  return [o](const RunContext& context) {
    o->out.color = context.color;
    return run_ask(*o);
  };
}

}  // namespace strata::cli
