#pragma once
// Line editing and history for `strata chat` on a terminal, with libedit (BSD editline): the
// keys a shell user expects (arrows, Ctrl-A/E/K/U/W, Ctrl-R, ~/.editrc), history kept in a file
// of the user's own. Ctrl-C at the prompt abandons the line (the session goes on); Ctrl-D on an
// empty line ends the input.
#include <cstddef>
#include <memory>
#include <string>

namespace strata::cli {

// The history file: $XDG_STATE_HOME/strata/chat_history, else ~/.local/state/strata/chat_history;
// "" when neither variable is set (no history is kept then).
std::string chat_history_path();

class LineEditor {
 public:
  // REQUIRES: standard input and output are a terminal. `history_path` "": no file. The file is
  // read now (a missing or unreadable one is an empty history) and written by the destructor,
  // mode 0600, its folder made (0700) when missing; at most `history_size` entries are kept.
  LineEditor(std::string history_path, std::size_t history_size);
  ~LineEditor();
  LineEditor(const LineEditor&) = delete;
  LineEditor& operator=(const LineEditor&) = delete;

  struct Line {
    enum class Kind { text, cancelled, end } kind = Kind::end;
    std::string text;  // kind text: the line without its line end
  };
  // Shows `prompt` (plain text) and reads a line.
  Line read(const std::string& prompt);
  // Adds a line to the history (the caller decides which: not blank ones).
  void remember(const std::string& line);

  struct State;  // libedit's objects and the line being read (line_editor.cpp)

 private:
  std::unique_ptr<State> state_;
};

}  // namespace strata::cli
