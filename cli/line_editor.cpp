#include "line_editor.h"

#include <fcntl.h>
#include <histedit.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <clocale>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>

namespace strata::cli {

struct LineEditor::State {
  EditLine* el = nullptr;
  History* history = nullptr;
  HistEvent event{};
  std::string history_path;
  std::string prompt;
  bool cancelled = false;
};

namespace {

char* editor_prompt(EditLine* el) {
  void* data = nullptr;
  el_get(el, EL_CLIENTDATA, &data);
  return static_cast<LineEditor::State*>(data)->prompt.data();
}

// Ctrl-C at the prompt. The terminal's ISIG is off while a line is edited (see the constructor),
// so the key arrives here rather than as SIGINT: the line is shown with ^C after it, ended, and
// reported as cancelled, as a shell does. (With SIGINT, libedit retries the interrupted read
// once and the key would seem to do nothing.)
unsigned char editor_cancel_line(EditLine* el, int) {
  void* data = nullptr;
  el_get(el, EL_CLIENTDATA, &data);
  static_cast<LineEditor::State*>(data)->cancelled = true;
  const LineInfo* li = el_line(el);
  el_cursor(el, static_cast<int>(li->lastchar - li->cursor));
  el_insertstr(el, "^C");
  el_push(el, "\n");
  return CC_REFRESH;
}

// Ctrl-Z at the prompt: with ISIG off the key is ours; stop as the terminal would have had us
// stop. libedit's own SIGTSTP and SIGCONT handlers (EL_SIGNAL) restore the terminal and redraw.
unsigned char editor_suspend(EditLine*, int) {
  std::raise(SIGTSTP);
  return CC_REFRESH;
}

// The history file holds what the user typed: theirs alone (0600), its folder too (0700).
// fopen in libedit's H_SAVE keeps the mode of a file that exists.
bool prepare_history_file(const std::string& path) {
  std::error_code ec;
  const std::filesystem::path folder = std::filesystem::path(path).parent_path();
  if (!folder.empty() && !std::filesystem::exists(folder, ec)) {
    std::filesystem::create_directories(folder, ec);
    if (ec) return false;
    ::chmod(folder.c_str(), 0700);
  }
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return false;
  const bool ok = ::fchmod(fd, 0600) == 0;
  ::close(fd);
  return ok;
}

}  // namespace

std::string chat_history_path() {
  const char* state = std::getenv("XDG_STATE_HOME");
  if (state != nullptr && state[0] == '/') return std::string(state) + "/strata/chat_history";
  const char* home = std::getenv("HOME");
  if (home != nullptr && home[0] != '\0') return std::string(home) + "/.local/state/strata/chat_history";
  return {};
}

LineEditor::LineEditor(std::string history_path, std::size_t history_size) : state_(std::make_unique<State>()) {
  // libedit reads and shows characters as the locale says (UTF-8 in a UTF-8 terminal).
  std::setlocale(LC_CTYPE, "");
  State& s = *state_;
  s.history_path = std::move(history_path);
  s.history = history_init();
  history(s.history, &s.event, H_SETSIZE, static_cast<int>(history_size));
  history(s.history, &s.event, H_SETUNIQUE, 1);
  if (!s.history_path.empty()) history(s.history, &s.event, H_LOAD, s.history_path.c_str());

  // The prompt and the line being edited go to the terminal: stdout when it is one, else stderr
  // (`strata chat > answers.txt` keeps the file free of prompts and redraws).
  s.el = el_init("strata", stdin, ::isatty(STDOUT_FILENO) == 1 ? stdout : stderr, stderr);
  el_set(s.el, EL_CLIENTDATA, static_cast<void*>(&s));
  el_set(s.el, EL_PROMPT, editor_prompt);
  el_set(s.el, EL_EDITOR, "emacs");
  el_set(s.el, EL_HIST, history, s.history);
  el_set(s.el, EL_SIGNAL, 1);
  el_set(s.el, EL_SETTY, "-d", "-isig", nullptr);
  // el_wset, not el_set: the narrow EL_ADDFN copies the name and help with wcsdup and never frees
  // them (libedit's eln.c says so), which LeakSanitizer reports; these literals live forever.
  el_wset(s.el, EL_ADDFN, L"strata-cancel-line", L"Abandon the line (Ctrl-C)", editor_cancel_line);
  el_wset(s.el, EL_ADDFN, L"strata-suspend", L"Suspend strata (Ctrl-Z)", editor_suspend);
  el_set(s.el, EL_BIND, "^C", "strata-cancel-line", nullptr);
  el_set(s.el, EL_BIND, "^Z", "strata-suspend", nullptr);
  el_source(s.el, nullptr);  // ~/.editrc, as every libedit program reads it
}

LineEditor::~LineEditor() {
  State& s = *state_;
  if (s.el != nullptr) el_end(s.el);
  if (!s.history_path.empty() && prepare_history_file(s.history_path)) {
    history(s.history, &s.event, H_SAVE, s.history_path.c_str());
  }
  if (s.history != nullptr) history_end(s.history);
}

LineEditor::Line LineEditor::read(const std::string& prompt) {
  State& s = *state_;
  s.prompt = prompt;
  s.cancelled = false;
  int count = 0;
  const char* text = el_gets(s.el, &count);
  Line line;
  if (s.cancelled) {
    line.kind = Line::Kind::cancelled;
    return line;
  }
  if (text == nullptr || count <= 0) return line;  // Ctrl-D on an empty line, or the terminal is gone
  line.kind = Line::Kind::text;
  line.text.assign(text, static_cast<std::size_t>(count));
  while (!line.text.empty() && (line.text.back() == '\n' || line.text.back() == '\r')) line.text.pop_back();
  return line;
}

void LineEditor::remember(const std::string& line) { history(state_->history, &state_->event, H_ENTER, line.c_str()); }

}  // namespace strata::cli
