#include "ask_session.h"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cerrno>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <iostream>

#include "common/public.h"
#include "config/public.h"
#include "mcp/public.h"
#include "embed_output.h"
#include "flag_values.h"
#include "input.h"
#include "interface_spec.h"
#include "number_flags.h"
#include "progress.h"
#include "setting_flags.h"
#include "settings.h"
#include "terminal_filter.h"

namespace strata::cli {
namespace {

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

// A tool that asks first runs only when the user says so at the terminal, shown every argument
// (core made the lines: ask/tool_confirm.h, the paths and addresses last, right above the
// question); with no terminal to ask (a script, CI) it is refused, and --yes is the way to allow
// it. The question names the tool again: the lines above may have pushed the first one away.
bool confirm_on_terminal(const std::string& tool, const std::vector<std::string>& argument_lines) {
  std::string text = "strata: the model wants to run " + safe_line(tool) +
                     (argument_lines.empty() ? " with no arguments" : " with these arguments") + ":\n";
  for (const std::string& line : argument_lines) text += "  " + safe_line(line) + "\n";
  std::cerr << text << "strata: allow " << safe_line(tool) << "? [y/N] " << std::flush;
  std::string answer;
  if (!std::getline(std::cin, answer)) {
    std::cin.clear();
    return false;
  }
  return answer == "y" || answer == "Y" || answer == "yes";
}

std::string tool_call_line(const ask::ToolCallRecord& call) {
  std::string args = llm::sanitize_for_terminal(call.arguments);
  std::replace(args.begin(), args.end(), '\n', ' ');
  if (args.size() > 200) args = args.substr(0, utf8_boundary_before(args, 200)) + "…";
  std::string line = "strata: tool " + llm::sanitize_for_terminal(call.name) + " " + args;
  const std::string summary = llm::sanitize_for_terminal(with_flags(call.summary));
  line += call.status == ask::ToolCallRecord::Status::ok ? " → " + summary
                                                         : " → " + std::string(ask::to_string(call.status)) + ": " + summary;
  char ms[32];
  std::snprintf(ms, sizeof ms, " (%.0f ms)", call.ms);
  return line + ms;
}

// --system, else [llm] system; [llm] prompt_template, checked where it was written.
llm::PromptSettings prompt_settings(const AnswerFlags& o) {
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

std::string safe_text(const std::string& s, bool raw) { return raw ? s : llm::sanitize_for_terminal(s); }

std::string ms_text(double ms) {
  char buf[32];
  std::snprintf(buf, sizeof buf, ms < 10 ? "%.1f ms" : "%.0f ms", ms);
  return buf;
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

std::atomic<bool> g_interrupted{false};

extern "C" void on_interrupt(int) { g_interrupted.store(true); }

}  // namespace

void add_model_options(CLI::App& cmd, AnswerFlags& o) {
  set_choices(cmd.add_option("--provider", o.provider,
                              "openai (any /v1/chat/completions server), anthropic, or none (default: "
                              "$STRATA_LLM_PROVIDER, else openai when a model or base URL is given, else none: the "
                              "offline answer)")
                  ->type_name("NAME"),
              {"openai", "anthropic", "none"});
  cmd.add_option("--model", o.model, "Model name (default: $STRATA_LLM_MODEL, else gpt-4o-mini or claude-3-5-haiku-latest)")
      ->type_name("NAME");
  add_endpoint_options(
      cmd, o.endpoint,
      {"Server URL up to /chat/completions, e.g. http://localhost:11434/v1 (default: $STRATA_LLM_BASE_URL, else the "
       "provider's API)",
       "Environment variable holding the API key (default: OPENAI_API_KEY or ANTHROPIC_API_KEY)",
       "Give up on a stream that brings nothing new for SECS seconds, rounded up to whole seconds (default: 120)",
       "Retries of a request that failed before the answer began, 0 to 100 (default: 4)"});
}

void add_answer_options(CLI::App& cmd, AnswerFlags& o, const char* conversation_help) {
  add_store_option(cmd, o.store);
  add_collection_option(cmd, o.store);
  add_retrieval_options(cmd, o.retrieval, "Chunks retrieved before packing, 1 to 1000 (default: 20)");
  add_model_options(cmd, o);
  check_decimal(cmd.add_option("--temperature", o.temperature, "Sampling temperature, 0 to 2 (default: the server's)")
                    ->type_name("T"),
                0, 2);
  check_whole_number(
      cmd.add_option("--max-tokens", o.max_tokens, "Longest answer in tokens (default: the server's; anthropic 4096)")
          ->type_name("N"),
      1);
  check_whole_number(cmd.add_option("--context-tokens", o.context_tokens,
                                    "Tokens of sources in the prompt (default: from the model's window, at most 8000; "
                                    "offline 6000)")
                         ->type_name("N"),
                     1);
  check_whole_number(cmd.add_option("--conversation", o.conversation, conversation_help)->type_name("ID"), 1);
  cmd.add_flag("--tools", o.tools,
               "Let the model call tools before it answers: strata's search and read_document, and the tools of the "
               "MCP servers in your config file ([mcp.servers.NAME])");
  check_whole_number(cmd.add_option("--max-steps", o.max_steps,
                                    "With --tools: model requests at most, 1 to 20; the last must answer (default: 4)")
                         ->type_name("N"),
                     1, 20);
  cmd.add_flag("-y,--yes", o.yes, "With --tools: run MCP servers' tool calls without asking (each asks first otherwise)");
  cmd.add_flag("--no-cache", o.no_cache, "Ask the model even when the store has this exact request's answer");
  cmd.add_flag("--no-log", o.no_log,
               "Store nothing of this run: no log, no conversation turn, no cache entry (the cache is not read either)");
  cmd.add_flag("--no-stream", o.no_stream, "Ask for the whole answer at once (servers that cannot stream)");
  cmd.add_flag("--redact", o.redact,
               "Remove e-mail addresses, phone and card numbers, IP addresses and keys from what is sent and what is stored");
  cmd.add_flag("--raw", o.raw, "Print the model's output as it is, escape sequences included");
  cmd.add_option("--system", o.system,
                 "Your own instructions for the model, TEXT or @FILE, before strata's (which keep the answer to the sources, cited) (default: [llm] system)");
}

ask::AskRequest answer_request(const AnswerFlags& o) {
  ask::AskRequest r;
  apply_embed_server(std::nullopt, std::nullopt, r.embed);  // the question's embedding: the collection's server, as search's
  r.embed.base_url_flag = "OPENAI_BASE_URL=";  // --base-url is the model's
  r.collection = o.store.collection;
  const RetrievalFlags& f = o.retrieval;
  apply_retrieval(f, r.k, r.mode, r.where);
  r.vector_weight = chosen_vector_weight(f.vector_weight);
  r.title_cap = chosen_title_cap(f.title_cap);
  r.rerank = chosen_rerank(f.rerank, f.rerank_url, f.rerank_model, f.rerank_api_key_env);
  if (o.context_tokens) r.context_tokens = static_cast<std::size_t>(*o.context_tokens);
  r.max_tokens = o.max_tokens;
  r.temperature = o.temperature;
  r.max_retries = o.endpoint.max_retries;
  // The stream's idle timer counts whole seconds: a fraction rounds up.
  if (const auto timeout = o.endpoint.timeout_ms()) r.idle_timeout = std::chrono::ceil<std::chrono::seconds>(*timeout);
  if (o.conversation) r.conversation = static_cast<std::int64_t>(*o.conversation);
  r.redact = o.redact;
  r.tools.enabled = o.tools;
  r.tools.own = mcp::own_agent_tools;
  r.tools.yes = o.yes;
  if (o.max_steps) r.tools.max_steps = static_cast<std::size_t>(*o.max_steps);
  // No terminal to ask (a script, CI): such tools are refused, and the model is told so.
  if (!r.tools.yes && ::isatty(STDIN_FILENO) && ::isatty(STDERR_FILENO)) r.tools.confirm = confirm_on_terminal;
  r.use_cache = !o.no_cache;
  r.stream = !o.no_stream;
  r.prompt = prompt_settings(o);
  const std::filesystem::path state = ask_state_dir();
  r.log = !o.no_log && !ask::logs_off(state);
  try {
    r.principal = ask::user_principal(state);
  } catch (const Error& e) {
    // No key, nothing could be vouched for: the answer still comes, and nothing is stored.
    r.principal = ask::ephemeral_principal();
    if (r.log) print_warning("this run is not logged: " + std::string(e.what()), o.out.color);
    r.log = false;
  }
  return r;
}

std::filesystem::path ask_state_dir() {
  const net::Getenv env = process_getenv();
  return ask::user_state_dir([&](const std::string& name) { return env(name); });
}

void print_not_logged(const ask::AskResult& r, const OutputOptions& out) {
  if (!r.not_logged.empty()) print_warning("the answer was not logged: " + r.not_logged, out.color);
}

ask::ResolvedProvider answer_provider(const AnswerFlags& o, const std::optional<std::string>& model) {
  ask::ProviderFlags flags;
  const config::Setting& chosen = setting("llm.provider", o.provider, "--provider");
  flags.provider = value_of(chosen);
  flags.provider_source = source_of(chosen, "llm.provider", "--provider");
  flags.model = value_of(setting("llm.model", model ? model : o.model, "--model"));
  const config::Setting& base_url = setting("llm.base_url", o.endpoint.base_url, "--base-url");
  flags.base_url = value_of(base_url);
  flags.base_url_source = source_of(base_url, "llm.base_url", "--base-url");
  const config::Setting& key_env = setting("llm.api_key_env", o.endpoint.api_key_env, "--api-key-env");
  flags.api_key_env = value_of(key_env);
  if (flags.api_key_env) flags.api_key_env_source = source_of(key_env, "llm.api_key_env", "--api-key-env");
  flags.key_allowed = [url_given = o.endpoint.base_url.has_value(), key_given = o.endpoint.api_key_env.has_value()] {
    return key_may_go("llm.base_url", url_given, key_given ? "--api-key-env" : "");
  };
  return ask::resolve_provider(flags, process_getenv());
}

std::unique_ptr<service::Session> open_answer_session(const StoreOptions& options) {
  std::unique_ptr<service::Session> session = open_session(options);
  try {
    session->store();
    return session;
  } catch (const Error& e) {
    throw Error(e.code(), e.what(),
                e.hint().empty() ? "ingest documents first: strata ingest PATH (or give --store)" : e.hint());
  }
}

void AnswerPrinter::text(std::string_view delta) {
  clear_status();
  if (silent_) return;
  if (!raw_) return emit(sanitizer_.feed(delta));
  // --raw: the model's bytes as they came, past the terminal filter too (the user asked).
  filter_stdout(false);
  emit(delta);
  filter_stdout(true);
}

void AnswerPrinter::retrying(const std::string& why, std::chrono::milliseconds wait) {
  if (out_.quiet) return;
  const std::string line = "strata: " + retry_text(why, wait);
  if (ProgressLine::stderr_is_terminal()) {
    const std::size_t columns = terminal_columns(STDERR_FILENO);
    erase_line(std::cerr);
    std::cerr << fit_to_width(line, columns > 1 ? columns - 1 : 79) << std::flush;
    status_drawn_ = true;
  } else {
    std::cerr << line << '\n';
  }
}

void AnswerPrinter::tool_called(const ask::ToolCallRecord& call) {
  clear_status();
  if (out_.quiet) return;
  if (!silent_ && printed_ && !ends_with_newline_) emit("\n");
  std::cerr << tool_call_line(call) << '\n' << std::flush;
}

void AnswerPrinter::answered(const ask::AskResult& result) {
  clear_status();
  finish();
  on_answered_(result);
}

void AnswerPrinter::finish() {
  if (silent_) return;
  if (!raw_) emit(sanitizer_.finish());
  if (printed_ && !ends_with_newline_) emit("\n");
  std::fflush(stdout);
}

void AnswerPrinter::emit(std::string_view s) {
  if (s.empty()) return;
  write_out(s);
  std::fflush(stdout);
  printed_ = true;
  ends_with_newline_ = s.back() == '\n';
}

void AnswerPrinter::clear_status() {
  if (status_drawn_) erase_line(std::cerr);
  status_drawn_ = false;
}

void print_sources(const ask::AskResult& r, bool raw, bool color) {
  if (r.citations.cited.empty()) return;
  std::vector<bool> cited(r.pack.sources.size() + 1, false);
  for (const std::size_t n : r.citations.cited) {
    if (n < cited.size()) cited[n] = true;
  }
  std::string out = "\n";
  for (const llm::Source& s : r.pack.sources) {
    if (!cited[s.number]) continue;
    out += paint("[" + std::to_string(s.number) + "]", Tone::bold, color) + " " +
           safe_text(llm::location_of(s), raw) + "\n";
  }
  write_out(out);
}

// Runs before the log is written (AskObserver::answered).
void print_answered(const ask::AskResult& r, const ask::AskRequest& request, bool raw, const OutputOptions& out,
                    StepLimit step_limit) {
  if (!out.json) {
    if (r.partial) {
      write_out(r.interrupted ? "[partial answer: interrupted (Ctrl-C)]\n"
                              : "[partial answer: the stream was cut before the model finished]\n");
    }
    if (r.answer.empty() && r.pack.sources.empty()) {
      print_warning("nothing in collection '" + request.collection + "' matches the question", out.color);
    } else if (r.abstained) {
      write_out("\n");  // no source backs an abstention
    } else if (r.step_limit) {
      write_out("\n");  // no answer came: nothing it wrote on the way is backed by a source
    } else {
      print_sources(r, raw, color_enabled(out.color, STDOUT_FILENO));
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
    std::string why = llm::sanitize_for_terminal(with_flags(r.rewrite_error));
    std::replace(why.begin(), why.end(), '\n', ' ');
    print_warning("the follow-up could not be rewritten as a standalone question (" + why +
                      "); retrieved with the earlier questions' words instead",
                  out.color);
  }
  if (r.step_limit && step_limit == StepLimit::warning) {
    print_warning("the model still asked for tools at the last of --max-steps " + std::to_string(request.tools.max_steps) +
                      " requests; the answer is what it wrote until then",
                  out.color);
  }
  if (r.finish_reason && llm::finished_by_length(*r.finish_reason)) {
    print_warning("the answer stopped at the output limit" +
                      std::string(request.max_tokens ? " (--max-tokens " + std::to_string(*request.max_tokens) + ")" : ""),
                  out.color);
  }
}

void print_answer_summary(const ask::AskResult& r, const std::string& collection, const OutputOptions& out) {
  // Painted after the sanitiser (print_note would take the colour out too); the model name and
  // collection come from the server and the store.
  if (out.quiet) return;
  std::cerr << paint(safe(summary_of(r, collection)), Tone::dim, color_enabled(out.color, STDERR_FILENO)) << '\n';
}

std::unique_ptr<mcp::ClientSet> start_mcp_servers(const OutputOptions& out) {
  const config::McpServers& configured = configuration().mcp_servers;
  if (!configured.ignored.empty()) {
    print_warning(configured.ignored +
                      ": [mcp] is ignored in a project file (a cloned repository must not choose programs to run); "
                      "list MCP servers in your user file",
                  out.color);
  }
  auto set = std::make_unique<mcp::ClientSet>(mcp::start_all(configured));
  for (const mcp::ClientSet::Failure& f : set->failures) {
    print_warning(f.message + "; its tools are left out", out.color);
  }
  return set;
}

const std::atomic<bool>* interrupt_flag() { return &g_interrupted; }

struct InterruptGuard::Saved {
  struct sigaction previous {};
  bool installed = false;
};

InterruptGuard::InterruptGuard() : saved_(std::make_unique<Saved>()) {
  g_interrupted.store(false);
  struct sigaction current {};
  ::sigaction(SIGINT, nullptr, &current);
  if (current.sa_handler == SIG_IGN) return;
  struct sigaction action {};
  action.sa_handler = on_interrupt;
  action.sa_flags = static_cast<int>(SA_RESETHAND);  // the second Ctrl-C is the default: the process ends
  sigemptyset(&action.sa_mask);
  saved_->installed = ::sigaction(SIGINT, &action, &saved_->previous) == 0;
}

InterruptGuard::~InterruptGuard() {
  if (saved_->installed) ::sigaction(SIGINT, &saved_->previous, nullptr);
}

[[noreturn]] void end_interrupted() {
  std::fflush(stdout);
  std::signal(SIGINT, SIG_DFL);
  std::raise(SIGINT);
  std::_Exit(130);
}

}  // namespace strata::cli
