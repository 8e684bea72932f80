// Target: the word check a store on PostgreSQL applies to the definitions its server prints
// (store/postgres/pg_foreign_objects.h): a server's answers are data, so any bytes (the first
// line a schema name, the rest a definition) must be read in one flat pass: no crash, no
// recursion, whatever the nesting. Checks also: an answer of true means at most 16 kB, no
// statement separator, no dollar quote and no backslash outside a literal's quotes could have
// made it through (the scanner's own rules, re-checked on what is left after removing
// well-formed literals).
#include <string>
#include <string_view>

#include "fuzz_util.h"
#include "store/postgres/pg_foreign_objects.h"

using namespace strata;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  const std::size_t nl = in.find('\n');
  const std::string schema(nl == std::string_view::npos ? std::string_view("strata") : in.substr(0, nl));
  const std::string_view definition = nl == std::string_view::npos ? in : in.substr(nl + 1);
  if (!store::pg::only_strata_words(definition, schema)) return 0;
  FUZZ_CHECK(definition.size() <= 16 * 1024, "a definition over 16 kB passed");
  // Outside literals: no ';', '$', '\\', '#', '@', '&', '^', '~', '!', '?' (what strata's never use).
  bool in_single = false, in_double = false;
  for (std::size_t i = 0; i < definition.size(); ++i) {
    const char c = definition[i];
    if (in_single) {
      if (c == '\'') in_single = false;
    } else if (in_double) {
      if (c == '"') in_double = false;
    } else if (c == '\'') {
      in_single = true;
    } else if (c == '"') {
      in_double = true;
    } else {
      FUZZ_CHECK(std::string_view(";$\\#@&^~!?{}`").find(c) == std::string_view::npos,
                 "a definition with punctuation strata's never use passed");
    }
  }
  return 0;
}
