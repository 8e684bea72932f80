// Keys from the environment go into the Authorization header: a control character in one is
// refused by name, never repeated, before any request.
#include "net/api_key.h"

#include <gtest/gtest.h>

#include <string>

#include "common/error.h"
#include "common/text.h"

namespace strata {
namespace {

TEST(NetApiKey, ControlCharactersAreFoundTabsAreNot) {
  EXPECT_FALSE(find_control_character("sk-abc123_-.~+/=").has_value());
  EXPECT_FALSE(find_control_character("a\tb").has_value());
  EXPECT_EQ(find_control_character("sk-abc\r\nX-Injected: 1"), 6u);
  EXPECT_EQ(find_control_character("ab\ncd"), 2u);
  EXPECT_EQ(find_control_character(std::string("ab\0cd", 5)), 2u);
  EXPECT_EQ(find_control_character("ab\x7f"), 2u);
  EXPECT_EQ(find_control_character("\x1b[2J"), 0u);
}

TEST(NetApiKey, AKeyWithALineBreakIsRefusedByItsVariableNeverByItsValue) {
  try {
    net::require_header_safe_key("OPENAI_API_KEY", "sk-secret\r\nX-Injected: 1");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::usage);
    EXPECT_NE(std::string(e.what()).find("$OPENAI_API_KEY holds a control character"), std::string::npos) << e.what();
    EXPECT_EQ(std::string(e.what()).find("sk-secret"), std::string::npos);
    EXPECT_EQ(e.hint().find("sk-secret"), std::string::npos);
  }
  EXPECT_NO_THROW(net::require_header_safe_key("OPENAI_API_KEY", "sk-secret"));
  EXPECT_NO_THROW(net::require_header_safe_key("OPENAI_API_KEY", ""));
}

}  // namespace
}  // namespace strata
