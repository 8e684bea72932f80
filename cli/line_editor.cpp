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
#include <string_view>
#include <vector>

namespace strata::cli {

struct LineEditor::State {
  EditLine* el = nullptr;
  History* history = nullptr;
  HistEvent event{};
  std::string history_path;
  std::string prompt;
  FILE* out = nullptr;  // the terminal the line is drawn on
  std::vector<std::string> completions;
  bool cancelled = false;
};

namespace {

// Bracketed paste (xterm's mode 2004): the terminal wraps pasted text in ESC[200~ ... ESC[201~,
// so that its line ends do not act as Enter. On only while a line is read: an answer printed
// meanwhile, a shell after Ctrl-Z or after the process ends gets the terminal as it was.
constexpr std::string_view k_paste_on = "\x1b[?2004h";
constexpr std::string_view k_paste_off = "\x1b[?2004l";
constexpr std::string_view k_paste_end = "\x1b[201~";
// A paste is a question, not a document (chat's standard input has the same limit per line).
constexpr std::size_t k_max_paste = 1 << 20;
volatile std::sig_atomic_t g_paste_fd = -1;  // the terminal in paste mode, for the handlers

void set_paste_mode(FILE* out, bool on) {
  std::fwrite(on ? k_paste_on.data() : k_paste_off.data(), 1, k_paste_on.size(), out);
  std::fflush(out);
  g_paste_fd = on ? ::fileno(out) : -1;
}

// SIGTERM or SIGHUP while a line is read: the terminal leaves paste mode, then the signal does
// what it would have done. (libedit's own handler restores the terminal's modes and passes the
// signal on to this one.)
void end_paste_mode_and_die(int signo) {
  if (g_paste_fd >= 0) {
    [[maybe_unused]] const ssize_t n = ::write(g_paste_fd, k_paste_off.data(), k_paste_off.size());
  }
  std::signal(signo, SIG_DFL);
  std::raise(signo);
}

// ESC[200~: the rest of the paste is read here, up to ESC[201~, and put into the line as it is,
// line ends included (libedit draws them as line breaks), so that it is one question: Enter asks
// it, after any editing. Other control characters are dropped (a paste cannot redraw the
// screen); a CR or CRLF line end is a line end.
unsigned char editor_paste(EditLine* el, int) {
  std::string text;
  std::string tail;  // the last bytes read, to find the end marker
  char c = 0;
  for (;;) {
    const ssize_t n = ::read(STDIN_FILENO, &c, 1);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    tail.push_back(c);
    if (tail.size() > k_paste_end.size()) tail.erase(0, 1);
    if (tail == k_paste_end) {
      text.resize(text.size() - (k_paste_end.size() - 1));
      break;
    }
    if (text.size() < k_max_paste) text.push_back(c);
  }
  std::string clean;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const unsigned char b = static_cast<unsigned char>(text[i]);
    if (b == '\r') {
      if (i + 1 < text.size() && text[i + 1] == '\n') continue;
      clean.push_back('\n');
    } else if (b >= 0x20 || b == '\n' || b == '\t') {
      clean.push_back(static_cast<char>(b));
    }
  }
  if (!clean.empty()) el_insertstr(el, clean.c_str());
  return CC_REFRESH;
}

// Tab: completes a slash command at the start of the line (the caller's list); several that
// share no longer start are listed under the line.
unsigned char editor_complete(EditLine* el, int) {
  void* data = nullptr;
  el_get(el, EL_CLIENTDATA, &data);
  const LineEditor::State& s = *static_cast<LineEditor::State*>(data);
  const LineInfo* li = el_line(el);
  const std::string typed(li->buffer, li->cursor);
  if (!typed.starts_with('/') || typed.find_first_of(" \t") != std::string::npos) return CC_ERROR;
  std::vector<std::string_view> found;
  for (const std::string& c : s.completions) {
    if (c.starts_with(typed)) found.emplace_back(c);
  }
  if (found.empty()) return CC_ERROR;
  std::string_view common = found.front();
  for (const std::string_view f : found) {
    std::size_t n = 0;
    while (n < common.size() && n < f.size() && common[n] == f[n]) ++n;
    common = common.substr(0, n);
  }
  if (common.size() > typed.size()) {
    el_insertstr(el, std::string(common.substr(typed.size())).c_str());
    return CC_REFRESH;
  }
  std::string list = "\n";
  for (const std::string_view f : found) list += std::string(f) + "  ";
  list.back() = '\n';
  std::fputs(list.c_str(), s.out);
  return CC_REDISPLAY;
}

// Ctrl-D: on an empty line the end of the input (the caller ends the line); elsewhere it deletes
// the character under the cursor, and at the end of a line it does nothing (libedit's own
// binding would beep or print ^D).
unsigned char editor_end_or_delete(EditLine* el, int) {
  const LineInfo* li = el_line(el);
  if (li->buffer == li->lastchar) return CC_EOF;
  if (li->cursor == li->lastchar) return CC_NORM;
  el_cursor(el, 1);
  el_deletestr(el, 1);
  return CC_REFRESH;
}

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
unsigned char editor_suspend(EditLine* el, int) {
  void* data = nullptr;
  el_get(el, EL_CLIENTDATA, &data);
  FILE* out = static_cast<LineEditor::State*>(data)->out;
  set_paste_mode(out, false);
  std::raise(SIGTSTP);
  set_paste_mode(out, true);
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
  s.out = ::isatty(STDOUT_FILENO) == 1 ? stdout : stderr;
  s.el = el_init("strata", stdin, s.out, stderr);
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
  el_wset(s.el, EL_ADDFN, L"strata-paste", L"Take a bracketed paste as it is", editor_paste);
  el_wset(s.el, EL_ADDFN, L"strata-complete", L"Complete a slash command", editor_complete);
  el_wset(s.el, EL_ADDFN, L"strata-end-or-delete", L"End the input, or delete a character (Ctrl-D)",
          editor_end_or_delete);
  el_set(s.el, EL_BIND, "\x1b[200~", "strata-paste", nullptr);
  el_set(s.el, EL_BIND, "^I", "strata-complete", nullptr);
  el_set(s.el, EL_BIND, "^D", "strata-end-or-delete", nullptr);
  for (const int signo : {SIGTERM, SIGHUP}) {
    struct sigaction old {};
    if (::sigaction(signo, nullptr, &old) == 0 && old.sa_handler == SIG_DFL) std::signal(signo, end_paste_mode_and_die);
  }
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
  // The terminal goes into edit mode before the prompt shows. el_gets prints the prompt first and
  // only then leaves canonical mode, so a Ctrl-D typed as soon as the prompt appeared reached a
  // canonical terminal, which turns it into an end of file that reads as a NUL byte once the
  // mode changes: the key was lost and the session waited.
  el_set(s.el, EL_PREP_TERM, 1);
  set_paste_mode(s.out, true);
  int count = 0;
  const char* text = el_gets(s.el, &count);
  set_paste_mode(s.out, false);
  Line line;
  if (s.cancelled) {
    line.kind = Line::Kind::cancelled;
    return line;
  }
  if (text == nullptr || count <= 0) {  // Ctrl-D on an empty line, or the terminal is gone
    std::fputc('\n', s.out);  // what follows starts on a line of its own, as after Enter
    std::fflush(s.out);
    return line;
  }
  line.kind = Line::Kind::text;
  line.text.assign(text, static_cast<std::size_t>(count));
  while (!line.text.empty() && (line.text.back() == '\n' || line.text.back() == '\r')) line.text.pop_back();
  return line;
}

void LineEditor::complete_with(std::vector<std::string> words) { state_->completions = std::move(words); }

void LineEditor::remember(const std::string& line) { history(state_->history, &state_->event, H_ENTER, line.c_str()); }

}  // namespace strata::cli
