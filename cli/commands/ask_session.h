#pragma once
// What `strata ask` and `strata chat` share: the flags that shape an answer, the request and the
// provider they resolve to, the store, the streaming printer, the sources and warnings printed
// after an answer, and Ctrl-C. One place, so that chat answers exactly as ask does.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "ask/public.h"
#include "llm/public.h"
#include "mcp/public.h"
#include "option_bundles.h"
#include "output.h"
#include "service/public.h"
#include "store/public.h"
#include "store_options.h"

namespace CLI {
class App;
}

namespace strata::cli {

// The flags of an answer, given or not (unset: the configuration's value, else the default).
struct AnswerFlags {
  StoreOptions store;
  RetrievalFlags retrieval;
  EndpointFlags endpoint;  // the chat server
  std::optional<std::uint64_t> context_tokens, max_tokens, conversation;  // 1 or more
  std::optional<double> temperature;                                      // 0 to 2
  std::optional<std::string> provider, model;
  std::string system;  // --system TEXT or @FILE; unless given: [llm] system
  bool no_cache = false, redact = false, raw = false, no_stream = false;
  bool no_log = false;  // --no-log
  bool tools = false, yes = false;         // --tools, --yes
  std::optional<std::uint64_t> max_steps;  // 1 to 20
  OutputOptions out;  // out.color: the run's (RunContext)
};

// Registers --store, --collection, the retrieval flags, --provider, --model, the endpoint flags,
// --temperature, --max-tokens, --context-tokens, --conversation (described by
// `conversation_help`), --tools, --max-steps, --yes, --no-cache, --no-log, --no-stream,
// --redact, --raw and --system.
void add_answer_options(CLI::App& cmd, AnswerFlags& flags, const char* conversation_help);
// Registers the model's flags alone: --provider, --model and the endpoint flags (--base-url,
// --api-key-env, --timeout, --max-retries); `strata serve` answers with them as ask does.
void add_model_options(CLI::App& cmd, AnswerFlags& flags);

// The request the flags describe, question empty (ask::AskRequest's defaults where a flag was
// not given; [llm] system and prompt_template from the configuration; the user's key, and
// logging off with --no-log or `strata logs off`). Throws Error(usage). When the user's key
// cannot be had, warns and answers with logging off.
ask::AskRequest answer_request(const AnswerFlags& flags);

// The provider: each setting a flag, else its STRATA_LLM_* variable, else the [llm] section of
// strata.toml or the user file. `model`, when set, stands for --model (chat's /model NAME).
// Throws Error(usage) as ask::resolve_provider does.
ask::ResolvedProvider answer_provider(const AnswerFlags& flags, const std::optional<std::string>& model = std::nullopt);

// The terminal's session with the store for answers (service/session.h), its store opened now:
// Error(unavailable) with a hint to ingest first when there is none.
std::unique_ptr<service::Session> open_answer_session(const StoreOptions& options);

// Prints the answer as it streams: through the terminal sanitiser unless `raw`, flushed per
// piece so a reader sees each token as it comes. `silent`: prints nothing (--json).
class AnswerPrinter final : public ask::AskObserver {
 public:
  using Answered = std::function<void(const ask::AskResult&)>;
  AnswerPrinter(bool raw, bool silent, const OutputOptions& out, Answered on_answered)
      : raw_(raw), silent_(silent), out_(out), on_answered_(std::move(on_answered)) {}
  ~AnswerPrinter() override { clear_status(); }  // also when an error ends the run
  AnswerPrinter(const AnswerPrinter&) = delete;
  AnswerPrinter& operator=(const AnswerPrinter&) = delete;

  void text(std::string_view delta) override;
  // On a terminal, one status line that each retry redraws (cleared before anything else is
  // printed); elsewhere a line per retry, for the log.
  void retrying(const std::string& why, std::chrono::milliseconds wait) override;
  // Each call on stderr as it happens (unless quiet), sanitised: the name and arguments are the
  // model's.
  void tool_called(const ask::ToolCallRecord& call) override;
  void answered(const ask::AskResult& result) override;
  // The end of the answer: whatever the sanitiser held back, then a line end.
  void finish();
  bool printed() const { return printed_; }

 private:
  void emit(std::string_view s);
  void clear_status();

  bool raw_, silent_;
  const OutputOptions& out_;
  Answered on_answered_;
  llm::TerminalSanitizer sanitizer_;
  bool printed_ = false;
  bool ends_with_newline_ = true;
  bool status_drawn_ = false;
};

// What a model that used every --max-steps request without answering is: `strata chat` warns
// and goes on; `strata ask` says nothing here and ends with an error (exit 9) afterwards.
enum class StepLimit { warning, error_follows };

// Everything a reader needs once the answer is complete: the partial marker, the cited sources
// (none when none is cited, or when the step limit ended the answer) and the warnings about the
// answer (request.collection: the one asked).
void print_answered(const ask::AskResult& r, const ask::AskRequest& request, bool raw, const OutputOptions& out,
                    StepLimit step_limit = StepLimit::warning);

// After the log was written: the one-line warning that it was not (AskResult::not_logged).
void print_not_logged(const ask::AskResult& r, const OutputOptions& out);

// The user's state folder for ask (ask::user_state_dir of the process's environment).
std::filesystem::path ask_state_dir();

// The sources the answer cites, as `[n] path:Lstart-Lend`, after a blank line; nothing when it
// cites none (`--json` has them all).
void print_sources(const ask::AskResult& r, bool raw, bool color);

// The dim line on stderr after an answer: model, tokens, sources, conversation, time.
void print_answer_summary(const ask::AskResult& r, const std::string& collection, const OutputOptions& out);

// The MCP servers of the user's file ([mcp.servers.NAME]), started for --tools: a warning for
// each that cannot start (its tools are left out) and for a project file's [mcp] table, which is
// never applied. Keep the set alive while its tools may be called.
std::unique_ptr<mcp::ClientSet> start_mcp_servers(const OutputOptions& out);

// Ctrl-C while a model answers: the first one sets interrupt_flag() (AskRequest::cancel), so that
// what was printed is logged as a partial answer, marked interrupted; the handler is then the
// default again, so a second Ctrl-C ends the process at once. A SIGINT the caller ignores (a
// background job of a script) stays ignored. The flag is cleared when a guard is made.
const std::atomic<bool>* interrupt_flag();

class InterruptGuard {
 public:
  InterruptGuard();
  ~InterruptGuard();
  InterruptGuard(const InterruptGuard&) = delete;
  InterruptGuard& operator=(const InterruptGuard&) = delete;

 private:
  struct Saved;
  std::unique_ptr<Saved> saved_;
};

// After an interrupted answer is logged: end the way an interrupted program does, killed by
// SIGINT, so that a shell loop or a script stops too (exit status 130 in the shell).
[[noreturn]] void end_interrupted();

}  // namespace strata::cli
