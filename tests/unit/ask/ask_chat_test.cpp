// parse_chat_line: what `strata chat` makes of a typed line (core/ask/chat.h). The session
// itself (conversations, /collection, Ctrl-C) is tested end to end: tests/e2e/chat.sh.
#include <gtest/gtest.h>

#include <string>

#include "ask/chat.h"

namespace strata::ask {
namespace {

using K = ChatLine::Kind;

TEST(ChatLine, BlankLinesAreIgnored) {
  EXPECT_EQ(parse_chat_line("").kind, K::blank);
  EXPECT_EQ(parse_chat_line("  \t \r").kind, K::blank);
}

TEST(ChatLine, AQuestionIsTrimmed) {
  const ChatLine l = parse_chat_line("  how do I roll back?  \r");
  EXPECT_EQ(l.kind, K::question);
  EXPECT_EQ(l.argument, "how do I roll back?");
}

TEST(ChatLine, TwoSlashesAskAQuestionThatStartsWithOne) {
  const ChatLine l = parse_chat_line("//etc/hosts?");
  EXPECT_EQ(l.kind, K::question);
  EXPECT_EQ(l.argument, "/etc/hosts?");
}

TEST(ChatLine, Commands) {
  EXPECT_EQ(parse_chat_line("/sources").kind, K::sources);
  EXPECT_EQ(parse_chat_line("/new").kind, K::new_conversation);
  EXPECT_EQ(parse_chat_line("/edit").kind, K::edit);
  EXPECT_EQ(parse_chat_line("/help").kind, K::help);
  EXPECT_EQ(parse_chat_line("/quit").kind, K::quit);
  EXPECT_EQ(parse_chat_line(" /exit ").kind, K::quit);
  const ChatLine c = parse_chat_line("/collection   team notes ");
  EXPECT_EQ(c.kind, K::collection);
  EXPECT_EQ(c.argument, "team notes");
  EXPECT_EQ(parse_chat_line("/collection").argument, "");
  const ChatLine m = parse_chat_line("/model\tllama3.2");
  EXPECT_EQ(m.kind, K::model);
  EXPECT_EQ(m.argument, "llama3.2");
  EXPECT_EQ(parse_chat_line("/tools on").argument, "on");
  EXPECT_EQ(parse_chat_line("/tools off").argument, "off");
  EXPECT_EQ(parse_chat_line("/tools").kind, K::tools);
}

TEST(ChatLine, BadArgumentsAreRefusedInOneLine) {
  const ChatLine t = parse_chat_line("/tools maybe");
  EXPECT_EQ(t.kind, K::unknown);
  EXPECT_EQ(t.error, "'/tools' takes on or off");
  EXPECT_EQ(parse_chat_line("/new now").error, "'/new' takes no argument");
}

TEST(ChatLine, AnUnknownCommandNamesTheClosestOne) {
  EXPECT_EQ(parse_chat_line("/sourcs").error, "unknown command '/sourcs'; did you mean '/sources'?");
  EXPECT_EQ(parse_chat_line("/colection x").error, "unknown command '/colection'; did you mean '/collection'?");
  EXPECT_EQ(parse_chat_line("/zzzzzz").error, "unknown command '/zzzzzz'");
  // A pasted paragraph is not repeated whole.
  const ChatLine l = parse_chat_line("/" + std::string(500, 'x'));
  EXPECT_EQ(l.kind, K::unknown);
  EXPECT_LT(l.error.size(), 80U);
}

// A traceback's or a compiler's path at the start of a line is a question, not an unknown
// command: a command's word is '/' and letters only.
TEST(ChatLine, ALineThatStartsWithAPathIsAQuestion) {
  for (const std::string line : {"/usr/lib/python3/foo.py line 3, in main", "/etc/hosts: what is it for?",
                                 "/tmp: No space left on device", "/* a C comment */", "/2 is a division"}) {
    const ChatLine l = parse_chat_line(line);
    EXPECT_EQ(l.kind, K::question) << line;
    EXPECT_EQ(l.argument, line);
  }
  // A word of letters alone is still a command, so a typo is caught before a model is asked.
  EXPECT_EQ(parse_chat_line("/etc is full").kind, K::unknown);
  EXPECT_EQ(parse_chat_line("/").kind, K::unknown);
  EXPECT_EQ(parse_chat_line("//etc is full").argument, "/etc is full");
}

// A bracketed paste of several lines reaches the parser whole: it is text, whatever its first
// line says, even a command's name.
TEST(ChatLine, ALineOfSeveralLinesIsAQuestion) {
  const std::string traceback = "/usr/lib/python3/foo.py line 3\nTraceback (most recent call last):\n  boom";
  ChatLine l = parse_chat_line(traceback + "\n");
  EXPECT_EQ(l.kind, K::question);
  EXPECT_EQ(l.argument, traceback);
  for (const std::string first : {"/model other-model", "/quit", "/sourcs", "/collection x", "//etc"}) {
    l = parse_chat_line(first + "\nsecond line");
    EXPECT_EQ(l.kind, K::question) << first;
    EXPECT_EQ(l.argument, first + "\nsecond line");
  }
}

TEST(ChatLine, EveryListedCommandParses) {
  for (const ChatCommandInfo& c : chat_commands()) {
    const std::string line = std::string(c.name) + (c.name == "/collection" ? " x" : "");
    EXPECT_NE(parse_chat_line(line).kind, K::unknown) << line;
    EXPECT_NE(parse_chat_line(line).kind, K::question) << line;
  }
}

}  // namespace
}  // namespace strata::ask
