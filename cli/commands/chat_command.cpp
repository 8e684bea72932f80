#include "chat_command.h"

#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <string>

#include "ask/public.h"
#include "ask_session.h"
#include "common/public.h"
#include "mcp/public.h"
#include "line_editor.h"
#include "markdown_render.h"
#include "option_bundles.h"
#include "output.h"
#include "settings.h"

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
    if (!terminal) return;
    editor_ = std::make_unique<LineEditor>(chat_history_path(), k_chat_history_size);
    std::vector<std::string> words;
    for (const ask::ChatCommandInfo& c : ask::chat_commands()) words.push_back(std::string(c.name) + (c.args.empty() ? "" : " "));
    editor_->complete_with(std::move(words));
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

// The answer as Markdown styled for the terminal (markdown_render.h); the rest is the plain
// printer's (the retry status line, tool calls, what follows the answer).
class StyledAnswer final : public ask::AskObserver {
 public:
  explicit StyledAnswer(AnswerPrinter& plain) : plain_(plain) {}
  ~StyledAnswer() override { end(); }  // an error ended the answer: its last line is shown
  StyledAnswer(const StyledAnswer&) = delete;
  StyledAnswer& operator=(const StyledAnswer&) = delete;

  void sources(const llm::ContextPack& pack) override { plain_.sources(pack); }
  void text(std::string_view delta) override {
    plain_.text({});  // clears a retry's status line; prints nothing
    write(markdown_.feed(delta));
  }
  void retrying(const std::string& why, std::chrono::milliseconds wait) override { plain_.retrying(why, wait); }
  void tool_called(const ask::ToolCallRecord& call) override {
    end();
    plain_.tool_called(call);
  }
  void answered(const ask::AskResult& result) override {
    end();
    plain_.answered(result);
  }

 private:
  void write(const std::string& s) {
    if (s.empty()) return;
    write_out(s);
    std::fflush(stdout);
    printed_ = true;
    ends_with_newline_ = s.back() == '\n';
  }
  void end() {
    write(markdown_.finish());
    if (printed_ && !ends_with_newline_) write("\n");
  }

  AnswerPrinter& plain_;
  MarkdownRenderer markdown_;
  bool printed_ = false;
  bool ends_with_newline_ = true;
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
      LineEditor::Line line = lines.read(lines.terminal() ? safe(session_.request().collection) + "> " : "");
      if (line.kind == LineEditor::Line::Kind::end) break;
      if (line.kind == LineEditor::Line::Kind::cancelled) continue;
      if (lines.too_long()) {
        fail(Error(ExitCode::usage, "a line is longer than 1 MiB", "put a long text into the collection with strata ingest"));
        continue;
      }
      ask::ChatLine parsed = ask::parse_chat_line(line.text);
      if (const std::optional<std::string_view> close = multi_line_end(line.text)) {
        const LineEditor::Line block = read_block(lines, *close);
        if (block.kind == LineEditor::Line::Kind::end) break;
        if (block.kind == LineEditor::Line::Kind::cancelled) continue;
        parsed = ask::ChatLine{};
        if (!trim(block.text).empty()) {
          parsed.kind = ask::ChatLine::Kind::question;
          parsed.argument = std::string(trim(block.text));
        }
        line.text = block.text;
      }
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
  // A multi-line question: a line ":::" (aichat's spelling) or "!multi" (llm's) opens it, and
  // ":::" or "!end" closes it; the lines between are one question, line ends kept.
  static std::optional<std::string_view> multi_line_end(std::string_view line) {
    const std::string_view t = trim(line);
    if (t == ":::") return ":::";
    if (t == "!multi") return "!end";
    return std::nullopt;
  }

  // The lines up to `close` (kind text), or the end of input or a Ctrl-C on the way (the block
  // is dropped: nothing is asked).
  LineEditor::Line read_block(LineSource& lines, std::string_view close) {
    LineEditor::Line block;
    block.kind = LineEditor::Line::Kind::text;
    bool first = true;
    for (;;) {
      const LineEditor::Line l = lines.read(lines.terminal() ? "... " : "");
      if (l.kind != LineEditor::Line::Kind::text) return l;
      if (lines.too_long()) {
        fail(Error(ExitCode::usage, "a line is longer than 1 MiB", "put a long text into the collection with strata ingest"));
        continue;
      }
      if (trim(l.text) == close) return block;
      if (!first) block.text += '\n';
      block.text += l.text;
      first = false;
    }
  }

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
          write_out(safe(session_.request().collection) + "\n");  // sanitised as answers are, piped too
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
      case K::edit:
        if (!terminal) usage("/edit needs a terminal", "write a multi-line question between two lines ':::'");
        if (const std::optional<std::string> q = edit_question()) return answer(*q, terminal);
        print_note("the file was left empty: nothing was asked", out_);
        return;
      case K::unknown:
        usage(l.error, "/help lists the commands; //WORD asks a question that starts with /WORD");
    }
  }

  // The configured MCP servers start before the first answer that may call their tools, and
  // run until the session ends.
  void start_servers() {
    if (servers_ || !session_.request().tools.enabled || provider_.kind == ask::ProviderKind::none) return;
    servers_ = start_mcp_servers(out_);
    session_.set_external_tools(mcp::remote_agent_tools(*servers_, configuration().mcp_servers));
  }

  void model(const std::string& name) {
    if (!name.empty()) provider_ = answer_provider(o_.answer, name);  // as --model NAME; unchanged when it throws
    const std::string shown = provider_.kind == ask::ProviderKind::none
                                  ? "extractive (offline: no model configured)"
                                  : provider_.model + " (" + ask::to_string(provider_.kind) + ", " + provider_.base_url + ")";
    write_out(safe(shown) + "\n");  // as the answers: sanitised on a pipe too
  }

  void help() {
    std::string text;
    for (const ask::ChatCommandInfo& c : ask::chat_commands()) {
      std::string name = std::string(c.name) + (c.args.empty() ? "" : " " + std::string(c.args));
      name.resize(std::max<std::size_t>(name.size() + 2, 20), ' ');
      text += "  " + name + std::string(c.summary) + "\n";
    }
    text += "Anything else is a question, a path (/usr/lib/x.py: ...) or a paste of several lines too;\n"
            "//WORD asks a question that starts with /WORD.\n";
    write_out(text);
  }

  // /edit: the user's editor ($VISUAL, else $EDITOR, else vi, run by the shell as git runs it,
  // so "code --wait" works) on an empty temporary file; what it holds when the editor exits is
  // the question. nullopt when it is left blank.
  std::optional<std::string> edit_question() {
    const net::Getenv env = process_getenv();
    std::string editor = env("VISUAL").value_or("");
    if (editor.empty()) editor = env("EDITOR").value_or("");
    if (editor.empty()) editor = "vi";
    std::string path = (std::filesystem::temp_directory_path() / "strata-question-XXXXXX.md").string();
    const int fd = ::mkstemps(path.data(), 3);
    if (fd < 0) throw Error(ExitCode::unavailable, "cannot make a temporary file for /edit: " + std::string(std::strerror(errno)));
    ::close(fd);
    const std::string script = editor + " \"$1\"";
    const char* argv[] = {"sh", "-c", script.c_str(), "sh", path.c_str(), nullptr};
    // Ctrl-C in the editor is the editor's: strata waits for it either way.
    struct sigaction ignore {}, old_int {}, old_quit {};
    ignore.sa_handler = SIG_IGN;
    ::sigaction(SIGINT, &ignore, &old_int);
    ::sigaction(SIGQUIT, &ignore, &old_quit);
    pid_t pid = 0;
    int status = 0;
    const int spawned = ::posix_spawn(&pid, "/bin/sh", nullptr, nullptr, const_cast<char* const*>(argv), environ);
    if (spawned == 0) {
      while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
      }
    }
    ::sigaction(SIGINT, &old_int, nullptr);
    ::sigaction(SIGQUIT, &old_quit, nullptr);
    std::string text;
    {
      std::ifstream in(path, std::ios::binary);
      text.assign(std::istreambuf_iterator<char>(in), {});
    }
    std::error_code ec;
    std::filesystem::remove(path, ec);
    if (spawned != 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
      usage("the editor '" + editor + "' failed" +
                (spawned == 0 && WIFEXITED(status) ? " (exit " + std::to_string(WEXITSTATUS(status)) + ")" : ""),
            "set VISUAL or EDITOR to an editor that waits until the file is closed; nothing was asked");
    }
    if (text.size() > k_max_chat_line) usage("the question is longer than 1 MiB", "put a long text into the collection with strata ingest");
    if (trim(text).empty()) return std::nullopt;
    return std::string(trim(text));
  }

  void answer(const std::string& question, bool terminal) {
    if (const std::optional<std::size_t> bad = find_invalid_utf8(question)) {
      usage("the question is not UTF-8 text (invalid byte at offset " + std::to_string(*bad) + ")");
    }
    start_servers();
    const ask::AskRequest& request = session_.request();
    AnswerPrinter plain(o_.answer.raw, false, out_,
                        [&](const ask::AskResult& done) { print_answered(done, request, o_.answer.raw, out_); });
    StyledAnswer styled(plain);
    ask::AskObserver& printer =
        !o_.answer.raw && color_enabled(out_.color, STDOUT_FILENO) ? static_cast<ask::AskObserver&>(styled) : plain;
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
    print_not_logged(*r, out_);
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
  const std::unique_ptr<service::Session> session = open_answer_session(o.answer.store);
  // Each turn's retrieval and search tool run the session's search.
  ChatRun run(o, session->store(), service::on_session(std::move(base), *session), std::move(provider));
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
      "In the session: /sources, /collection NAME, /new, /edit, /model [NAME], /tools on|off, /help,\n"
      "/quit; Tab completes them. A multi-line question: paste it, or write it between two lines\n"
      "':::' (or '!multi' and '!end'), or in an editor with /edit. Ctrl-C stops an answer (the\n"
      "session goes on), Ctrl-D ends the session. Answers are Markdown styled on a terminal (plain\n"
      "with NO_COLOR, --color never or --raw). Not on a terminal: a question (or a command) per\n"
      "line of standard input.\n"
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
