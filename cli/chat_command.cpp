#include "chat_command.h"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>

#include "ask/public.h"
#include "ask_session.h"
#include "common/public.h"
#include "line_editor.h"
#include "option_bundles.h"
#include "output.h"

namespace strata::cli {
namespace {

constexpr std::size_t k_chat_history_size = 1000;
// A line of standard input is a question, not a document: longer ones are refused, and a pipe
// without line ends cannot fill memory.
constexpr std::size_t k_max_chat_line = 1 << 20;

struct ChatCliOptions {
  AnswerFlags answer;  // --tools among them (/tools on|off in the session)
};

// Where the lines come from: the line editor on a terminal, else standard input as it is.
class LineSource {
 public:
  explicit LineSource(bool terminal) {
    if (terminal) editor_ = std::make_unique<LineEditor>(chat_history_path(), k_chat_history_size);
  }
  bool terminal() const { return editor_ != nullptr; }

  LineEditor::Line read(const std::string& prompt) {
    if (editor_) return editor_->read(prompt);
    return read_plain();
  }
  void remember(const std::string& line) {
    if (editor_) editor_->remember(line);
  }
  // The last line read passed k_max_chat_line (standard input only).
  bool too_long() const { return too_long_; }

 private:
  // One line of standard input without its line end; `too_long` when it passed k_max_chat_line
  // (the rest of it is read and dropped).
  LineEditor::Line read_plain() {
    LineEditor::Line line;
    int c = 0;
    bool any = false;
    too_long_ = false;
    while ((c = std::getc(stdin)) != EOF) {
      any = true;
      if (c == '\n') break;
      if (line.text.size() < k_max_chat_line) {
        line.text.push_back(static_cast<char>(c));
      } else {
        too_long_ = true;
      }
    }
    if (!any) return line;  // end of input
    if (!line.text.empty() && line.text.back() == '\r') line.text.pop_back();
    line.kind = LineEditor::Line::Kind::text;
    return line;
  }

  std::unique_ptr<LineEditor> editor_;
  bool too_long_ = false;
};

// The session at the terminal or in a script: reads lines, runs them, prints.
class ChatRun {
 public:
  ChatRun(const ChatCliOptions& o, store::Store& store, ask::AskRequest base, ask::ResolvedProvider provider)
      : o_(o), out_(o.answer.out), session_(store, std::move(base)), provider_(std::move(provider)) {}

  ask::ChatSession& session() { return session_; }

  // Reads and answers until the end of input or /quit. Returns the exit code: 0 on a terminal;
  // in a script, 0 when every line succeeded, else the code of the last that failed.
  int loop(LineSource& lines) {
    if (lines.terminal()) greet();
    for (;;) {
      const LineEditor::Line line = lines.read(lines.terminal() ? safe(session_.request().collection) + "> " : "");
      if (line.kind == LineEditor::Line::Kind::end) break;
      if (line.kind == LineEditor::Line::Kind::cancelled) continue;
      if (lines.too_long()) {
        fail(Error(ExitCode::usage, "a line is longer than 1 MiB", "put a long text into the collection with strata ingest"));
        continue;
      }
      const ask::ChatLine parsed = ask::parse_chat_line(line.text);
      if (parsed.kind != ask::ChatLine::Kind::blank) lines.remember(line.text);
      if (parsed.kind == ask::ChatLine::Kind::quit) break;
      try {
        run_line(parsed, lines.terminal());
      } catch (const Error& e) {
        fail(e);
      }
    }
    return lines.terminal() ? 0 : last_failure_;
  }

 private:
  void greet() {
    if (out_.quiet) return;
    const std::string model = provider_.kind == ask::ProviderKind::none ? "offline answers" : provider_.model;
    print_note("strata chat: collection '" + session_.request().collection + "', " + model +
                   "; /help lists the commands, Ctrl-D ends",
               out_);
  }

  void fail(const Error& e) {
    print_error(e.what(), e.hint(), out_.color);
    last_failure_ = to_int(e.code());
  }

  void run_line(const ask::ChatLine& l, bool terminal) {
    using K = ask::ChatLine::Kind;
    switch (l.kind) {
      case K::blank:
      case K::quit:
        return;
      case K::question:
        return answer(l.argument, terminal);
      case K::sources:
        if (!session_.last()) usage("there is no answer yet", "ask a question first");
        print_sources(*session_.last(), o_.answer.raw, color_enabled(out_.color, STDOUT_FILENO));
        return;
      case K::collection:
        if (!l.argument.empty()) {
          session_.switch_collection(l.argument);
          print_note("collection '" + l.argument + "'; the next question starts a new conversation", out_);
        } else {
          write_out(safe_on_stdout(session_.request().collection) + "\n");
        }
        return;
      case K::new_conversation:
        session_.new_conversation();
        print_note("the next question starts a new conversation", out_);
        return;
      case K::model:
        return model(l.argument);
      case K::tools:
        if (!l.argument.empty()) session_.set_tools(l.argument == "on");
        write_out(std::string("tools: ") + (session_.request().tools.enabled ? "on" : "off") + "\n");
        return;
      case K::help:
        return help();
      case K::unknown:
        usage(l.error, "/help lists the commands");
    }
  }

  // The configured MCP servers start before the first answer that may call their tools, and
  // run until the session ends.
  void start_servers() {
    if (servers_ || !session_.request().tools.enabled || provider_.kind == ask::ProviderKind::none) return;
    servers_ = start_mcp_servers(out_);
    session_.set_external_tools(ask::mcp_agent_tools(*servers_));
  }

  void model(const std::string& name) {
    if (!name.empty()) provider_ = answer_provider(o_.answer, name);  // as --model NAME; unchanged when it throws
    const std::string shown = provider_.kind == ask::ProviderKind::none
                                  ? "extractive (offline: no model configured)"
                                  : provider_.model + " (" + ask::to_string(provider_.kind) + ", " + provider_.base_url + ")";
    write_out(safe_on_stdout(shown) + "\n");
  }

  void help() {
    std::string text;
    for (const ask::ChatCommandInfo& c : ask::chat_commands()) {
      std::string name = std::string(c.name) + (c.args.empty() ? "" : " " + std::string(c.args));
      name.resize(std::max<std::size_t>(name.size() + 2, 20), ' ');
      text += "  " + name + std::string(c.summary) + "\n";
    }
    text += "Anything else is a question (start it with // for one that begins with /).\n";
    write_out(text);
  }

  void answer(const std::string& question, bool terminal) {
    if (const std::optional<std::size_t> bad = find_invalid_utf8(question)) {
      usage("the question is not UTF-8 text (invalid byte at offset " + std::to_string(*bad) + ")");
    }
    start_servers();
    const ask::AskRequest& request = session_.request();
    AnswerPrinter printer(o_.answer.raw, false, out_,
                          [&](const ask::AskResult& done) { print_answered(done, request, o_.answer.raw, out_); });
    const std::atomic<bool>* cancel = interrupt_flag();
    std::optional<ask::AskResult> r;
    {
      const InterruptGuard guard;
      try {
        r = session_.ask(question, provider_, printer);
      } catch (const Error&) {
        if (!cancel->load()) throw;
        interrupted(terminal);  // before the answer began: nothing was logged
        return;
      }
    }
    if (!r->partial) print_answer_summary(*r, request.collection, out_);
    if (r->interrupted) {
      print_warning("interrupted: the partial answer is logged as partial (strata logs)", out_.color);
      if (!terminal) end_interrupted();
      return;
    }
    if (r->partial) {
      const std::string why = r->error ? r->error->what() : "the answer was cut off";
      throw Error(ExitCode::partial, why, "the partial answer is shown and logged as partial; ask again for a new answer");
    }
  }

  // Ctrl-C before any text: on a terminal the session goes on; a script stops as ask does.
  void interrupted(bool terminal) {
    if (!terminal) end_interrupted();
    std::fflush(stdout);
    print_warning("interrupted", out_.color);
  }

  const ChatCliOptions& o_;
  const OutputOptions& out_;
  std::unique_ptr<mcp::ClientSet> servers_;  // outlives session_'s tools, which point into it
  ask::ChatSession session_;
  ask::ResolvedProvider provider_;
  int last_failure_ = 0;
};

int run_chat(const ChatCliOptions& o) {
  ask::AskRequest base = answer_request(o.answer);
  base.cancel = interrupt_flag();  // Ctrl-C during an answer (InterruptGuard, in answer())
  ask::ResolvedProvider provider = answer_provider(o.answer);
  store::Store st = open_answer_store(o.answer.store);
  ChatRun run(o, st, std::move(base), std::move(provider));
  // A wrong --conversation or --collection fails before the first line is read.
  run.session().check_resumed();
  run.session().switch_collection(o.answer.store.collection);
  LineSource lines(::isatty(STDIN_FILENO) == 1);
  return run.loop(lines);
}

}  // namespace

Run setup_chat(CLI::App& cmd) {
  auto o = std::make_shared<ChatCliOptions>();
  add_answer_options(cmd, o->answer, "Resume conversation ID (see strata logs) instead of starting a new one");
  add_output_options(cmd, o->answer.out, {nullptr, "No greeting, notes or summary on stderr (warnings and errors remain)"});
  cmd.footer(
      "In the session: /sources, /collection NAME, /new, /model [NAME], /tools on|off, /help, /quit;\n"
      "Ctrl-C stops an answer (the session goes on), Ctrl-D ends the session. Not on a terminal:\n"
      "a question (or a command) per line of standard input.\n"
      "Examples:\n"
      "  strata chat\n"
      "  strata chat --base-url http://localhost:11434/v1 --model llama3.2 --collection docs\n"
      "  strata chat --collection docs --conversation 1\n"
      "  printf 'how do I roll back?\\nand the redo command?\\n' | strata chat -q\n"
      "Exit: 0 the session ended (on a terminal, always), 2 usage (e.g. an unknown /command or no such\n"
      "--conversation), 7 store, collection or server unavailable, 8 an answer was cut off; not on a\n"
      "terminal, the code of the last line that failed");
  return [o](const RunContext& context) {
    o->answer.out.color = context.color;
    return run_chat(*o);
  };
}

}  // namespace strata::cli
