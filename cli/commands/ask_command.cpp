#include "ask_command.h"

#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "ask/public.h"
#include "ask_session.h"
#include "common/public.h"
#include "llm/public.h"
#include "mcp/public.h"
#include "option_bundles.h"
#include "output.h"
#include "service/public.h"
#include "settings.h"
#include "store/public.h"

namespace strata::cli {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

struct AskCliOptions {
  AnswerFlags answer;
  std::vector<std::string> question;  // the words, joined by spaces
  bool continue_last = false, context_only = false;
  bool no_stdin = false;  // --no-stdin: standard input is not read as context
};

// `strata ask -`: the question is standard input, as `llm` and `aichat` read it (echo q | strata
// ask -). Bounded: a question is a prompt, not a document, and a runaway pipe must not fill memory.
constexpr std::size_t k_max_stdin_question = 1 << 20;

// Standard input, whole, or the usage error `too_long` when it holds more than `limit` bytes.
std::string read_stdin(std::size_t limit, const char* what, const std::string& too_long, const std::string& hint) {
  std::string text;
  char buf[65536];
  std::size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, stdin)) > 0) {
    text.append(buf, n);
    if (text.size() > limit) usage(too_long, hint);
  }
  if (std::ferror(stdin)) usage(std::string("cannot read ") + what + " from standard input: " + std::strerror(errno));
  return text;
}

std::string question_from_stdin() {
  return read_stdin(k_max_stdin_question, "the question", "the question on standard input is longer than 1 MiB",
                    "put a long text into the collection with strata ingest");
}

// How long standard input may stay silent before ask says what it is waiting for.
constexpr int k_stdin_quiet_ms = 3000;

// `echo "$ERR" | strata ask 'why?'`: with a question given, standard input that is not a
// terminal is text of the user's to ask about, as `llm` prepends piped content to its prompt.
// Not read with --no-stdin, nor when there is none to read (closed, a terminal). Reading it is
// never silent: standard input the user did not mean for ask (a `while read q` loop's file, a
// pipe a program left open) would otherwise become context, or a wait, without a word.
std::string context_from_stdin(const AskCliOptions& o) {
  if (o.no_stdin || ::isatty(STDIN_FILENO)) return "";
  struct stat st {};
  if (::fstat(STDIN_FILENO, &st) != 0) return "";
  const OutputOptions& out = o.answer.out;
  pollfd ready{STDIN_FILENO, POLLIN, 0};
  if (::poll(&ready, 1, k_stdin_quiet_ms) == 0) {
    print_note("waiting for standard input, the question's context (end it with Ctrl-D, or give --no-stdin)", out);
  }
  std::string text = read_stdin(ask::k_max_user_context_bytes, "the text given with the question",
                                "standard input is longer than 1 MiB, the most strata ask reads with a question",
                                "pipe less of it (e.g. | tail -c 200000), or give --no-stdin to leave standard input unread");
  if (text.find_first_not_of(" \t\r\n") != std::string::npos) {
    print_note("read " + std::to_string(text.size()) + (text.size() == 1 ? " byte" : " bytes") +
                   " of standard input as the question's context" +
                   " (--no-stdin leaves it unread)",
               out);
  }
  return text;
}

ask::AskRequest request_of(const AskCliOptions& o) {
  ask::AskRequest r = answer_request(o.answer);
  if (o.question.size() == 1 && o.question[0] == "-") {
    if (o.no_stdin) usage("--no-stdin: the question '-' is read from standard input", "give the question as words");
    r.question = question_from_stdin();
    if (r.question.find_first_not_of(" \t\r\n") == std::string::npos) usage("the question on standard input is empty");
    // A trailing newline from echo or a file is not part of the question.
    while (!r.question.empty() && (r.question.back() == '\n' || r.question.back() == '\r')) r.question.pop_back();
  } else {
    for (const std::string& w : o.question) r.question += (r.question.empty() ? "" : " ") + w;
  }
  service::check_ask_request(r, service::k_terminal_k_max);
  if (!(o.question.size() == 1 && o.question[0] == "-")) r.user_context = context_from_stdin(o);
  if (r.conversation && o.continue_last) usage("give --continue or --conversation, not both");
  r.continue_last = o.continue_last;
  r.context_only = o.context_only;
  return r;
}


int run_ask(const AskCliOptions& o) {
  const AnswerFlags& f = o.answer;
  const OutputOptions& out = f.out;
  const ask::AskRequest request = request_of(o);
  const ask::ResolvedProvider provider = answer_provider(f);
  if (f.tools && provider.kind == ask::ProviderKind::none && !out.quiet) {
    print_note("--tools: no model is configured, and the offline answer calls no tools", out);
  }

  const auto t_open = Clock::now();
  const std::unique_ptr<service::Session> session = open_answer_session(f.store);
  const double open_ms = ms_since(t_open);

  AnswerPrinter printer(f.raw, out.json || o.context_only, out,
                        [&](const ask::AskResult& done) {
                          print_answered(done, request, f.raw, out, StepLimit::error_follows);
                        });
  ask::AskRequest cancellable = request;
  cancellable.cancel = interrupt_flag();
  // Started only when a model may call them; stopped (and reaped) when the answer is done.
  std::unique_ptr<mcp::ClientSet> servers;
  if (f.tools && provider.kind != ask::ProviderKind::none && !o.context_only) {
    servers = start_mcp_servers(out);
    cancellable.tools.external = mcp::remote_agent_tools(*servers, configuration().mcp_servers);
  }
  ask::AskResult r = [&] {
    const InterruptGuard guard;
    try {
      return service::answer(*session, cancellable, provider, printer);
    } catch (const Error&) {
      if (interrupt_flag()->load()) end_interrupted();  // before the answer began: nothing to log but the error
      throw;
    }
  }();
  r.timings.open_ms = open_ms;
  print_not_logged(r, out);

  if (o.context_only) {
    if (out.json) {
      json j = {{"system", r.prompt.system}, {"user", r.prompt.user}, {"sources", service::sources_json(r.pack)},
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

  if (out.json) write_out(service::to_json(r).dump(-1, ' ', false, json::error_handler_t::replace) + "\n");
  std::fflush(stdout);
  if (!out.json && !r.partial) print_answer_summary(r, f.store.collection, out);
  if (r.interrupted) {
    print_warning("interrupted: the partial answer is logged as partial (strata logs)", out.color);
    end_interrupted();
  }
  if (r.partial) {
    const std::string why = r.error ? r.error->what() : "the answer was cut off";
    throw Error(ExitCode::partial, why,
                "the partial answer is shown and logged as partial; asking again starts a new answer");
  }
  if (r.step_limit) {
    const std::size_t steps = request.tools.max_steps;
    throw Error(ExitCode::step_limit,
                "no answer: the model still asked for tools at the last of --max-steps " + std::to_string(steps) +
                    " requests",
                steps < 20 ? "give it more requests, e.g. --max-steps " + std::to_string(std::min<std::size_t>(steps * 2, 20)) +
                                 " (at most 20); what it wrote is logged as partial (strata logs)"
                           : "ask a narrower question; what it wrote is logged as partial (strata logs)");
  }
  return 0;
}

}  // namespace

Run setup_ask(CLI::App& cmd) {
  auto o = std::make_shared<AskCliOptions>();
  cmd.add_option("QUESTION", o->question, "The question (several words are joined with spaces; - reads it from standard input)")
      ->required()
      ->type_name("");
  add_answer_options(cmd, o->answer, "Continue conversation ID (see strata logs)");
  cmd.add_flag("-c,--continue", o->continue_last, "Continue the most recent conversation");
  cmd.add_flag("--context-only", o->context_only, "Print the prompt that would be sent, and stop");
  cmd.add_flag("--no-stdin", o->no_stdin,
               "Leave standard input unread (by default text piped in with a question is its context, up to 1 MiB)");
  add_output_options(cmd, o->answer.out,
                     {"One JSON object: answer, citations, sources, model, usage, cached, timings (nothing streamed)",
                      "No notes or summary on stderr (warnings and errors remain)"});
  cmd.footer(
      "Examples:\n"
      "  strata ask 'how do I roll back a migration?'\n"
      "  strata ask --base-url http://localhost:11434/v1 --model llama3.2 'what does redo do?'\n"
      "  OPENAI_API_KEY=... strata ask --model gpt-4o-mini 'what does redo do?'\n"
      "  strata ask -c 'and for the store?'\n"
      "  make 2>&1 | strata ask 'why did the build fail?'\n"
      "  strata ask --json 'what is a checksum?' | jq -r .answer\n"
      "  strata ask --tools --model gpt-4o-mini 'compare redo and rollback'\n"
      "Exit: 0 answered, 2 usage (e.g. bad -k, --where or --vector-weight), key rejected or prompt too long,\n"
      "7 store or server unavailable, 8 the answer was cut off (the partial answer is printed),\n"
      "9 --tools: --max-steps ran out before an answer");
  return [o](const RunContext& context) {
    o->answer.out.color = context.color;
    return run_ask(*o);
  };
}

}  // namespace strata::cli
