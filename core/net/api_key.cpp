#include "net/api_key.h"

#include <string>

#include "common/error.h"
#include "common/text.h"

namespace strata::net {

void require_header_safe_key(std::string_view variable, std::string_view key) {
  if (!find_control_character(key)) return;
  const std::string name(variable);
  throw Error(ExitCode::usage,
              "$" + name + " holds a control character (a line break?), which would end the request's "
              "Authorization header; nothing was sent",
              "set it again without one: export " + name + "=...");
}

}  // namespace strata::net
