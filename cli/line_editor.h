#pragma once
// Line editing and history for `strata chat` on a terminal, with libedit (BSD editline): the
// keys a shell user expects (arrows, Ctrl-A/E/K/U/W, Ctrl-R, ~/.editrc), history kept in a file
// of the user's own. Ctrl-C at the prompt abandons the line (the session goes on); Ctrl-D on an
// empty line ends the input (a line end is printed), elsewhere deletes the character under the
// cursor. A bracketed paste (the terminal's mode 2004, on while a line is read, off on return,
// Ctrl-Z, SIGTERM and SIGHUP) goes into the line whole, line ends kept: one Enter sends it all.
// Tab completes the words given to complete_with() at the start of the line.
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

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
  // Tab completes a line that starts with '/' to one of `words` (a word's trailing space too,
  // for a command that takes an argument), or lists those that could follow.
  void complete_with(std::vector<std::string> words);
  // Adds a line to the history (the caller decides which: not blank ones).
  void remember(const std::string& line);

  struct State;  // libedit's objects and the line being read (line_editor.cpp)

 private:
  std::unique_ptr<State> state_;
};

}  // namespace strata::cli
