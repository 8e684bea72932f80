// The terminal filter every byte to a terminal passes (cli/terminal_filter.h).
#include "terminal_filter.h"

#include <gtest/gtest.h>

#include <sstream>
#include <string>

#include "output.h"

namespace strata::cli {
namespace {

std::string filtered(std::string_view text) {
  TerminalText t;
  std::string out = t.feed(text);
  return out + t.finish();
}

TEST(CliTerminalFilter, RemovesSequencesControlsAndBidiFromAnyText) {
  EXPECT_EQ(filtered("a\x1b[2Jb\x1b]0;title\x07" "c\xE2\x80\xAE" "d\xE2\x80\x8F" "e\r\bf\n\tg"), "abcdef\n\tg");
  EXPECT_EQ(filtered("\xC2\x9B" "2Jx"), "x");  // the C1 form of CSI
}

TEST(CliTerminalFilter, LetsStrataColoursThrough) {
  const std::string painted = paint("error:", Tone::bad, true) + " " + paint("ok", Tone::good, true);
  EXPECT_EQ(filtered(painted), painted);
  EXPECT_EQ(filtered("\x1b[1;31m\x1b[2m\x1b[1m\x1b[33m\x1b[32m\x1b[0m"), "\x1b[1;31m\x1b[2m\x1b[1m\x1b[33m\x1b[32m\x1b[0m");
  // Other SGR codes are not strata's: conceal, 256 colours, a background.
  EXPECT_EQ(filtered("\x1b[8mhidden\x1b[38;5;1mX\x1b[41mY"), "hiddenXY");
  // An erase after a carriage return is the status line's, and goes by erase_line only.
  EXPECT_EQ(filtered("done\r\x1b[Kstrata: applied"), "donestrata: applied");
}

TEST(CliTerminalFilter, PiecesSplitInsideASequenceOrACharacter) {
  TerminalText t;
  std::string out = t.feed("a\x1b[1");
  out += t.feed(";31mred\x1b");
  out += t.feed("[0m b\x1b]0;ti");
  out += t.feed("tle\x07 c\xE2\x80");
  out += t.feed("\xAE" "d\xE6\x9D");
  out += t.feed("\xB1");
  out += t.finish();
  EXPECT_EQ(out, "a\x1b[1;31mred\x1b[0m b c" "d\xE6\x9D\xB1");
}

// An unterminated OSC string ends with its line: the next line is shown.
TEST(CliTerminalFilter, ASequenceLeftOpenEndsWithItsLine) {
  EXPECT_EQ(filtered("title\x1b]0;never ends\nstrata: next line\n"), "title\nstrata: next line\n");
  EXPECT_EQ(filtered("x\x1b]0;open \x1b[1mbold\x1b[0m"), "x\x1b[1mbold\x1b[0m");
}

TEST(CliTerminalFilter, StreamBufferFiltersAndWritesControlsPastIt) {
  std::ostringstream sink;
  {
    TerminalFilterBuf filter(sink.rdbuf());
    std::ostream out(&filter);
    out << "a\x1b[2J" << paint("b", Tone::dim, true) << "\xE2\x80\xAE" << 'c' << std::flush;
    filter.write_control("\r\x1b[K");
    out << "d\x1b";  // held back until the end, then dropped
    filter.set_filtering(false);
    out << "\x1b[2Jraw";
    filter.set_filtering(true);
  }
  EXPECT_EQ(sink.str(), "a\x1b[2mb\x1b[0mc\r\x1b[Kd\x1b[2Jraw");
}

TEST(CliOutput, MessagesAreOneLine) {
  EXPECT_EQ(safe_line("CHECK constraint failed: c\nstrata: applied 999 fake"),
            "CHECK constraint failed: c strata: applied 999 fake");
  EXPECT_EQ(safe_line("a\r\nb\x1b[2J"), "a b");
}

}  // namespace
}  // namespace strata::cli
