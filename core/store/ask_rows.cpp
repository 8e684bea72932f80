#include "store/ask_rows.h"

#include <charconv>

#include "common/utf8.h"

namespace strata::store {

std::string conversation_title(const std::string& question) {
  constexpr std::size_t title_bytes = 200;
  if (question.size() <= title_bytes) return question;
  return question.substr(0, utf8_boundary_before(question, title_bytes));
}

std::string chunk_ids_json(const std::vector<std::int64_t>& ids) {
  std::string out = "[";
  for (std::size_t i = 0; i < ids.size(); ++i) {
    if (i > 0) out += ',';
    out += std::to_string(ids[i]);
  }
  return out + "]";
}

std::vector<std::int64_t> chunk_ids_of(const std::string& json) {
  std::vector<std::int64_t> ids;
  const char* p = json.data();
  const char* end = p + json.size();
  while (p < end) {
    if ((*p >= '0' && *p <= '9') || *p == '-') {
      std::int64_t v = 0;
      const auto r = std::from_chars(p, end, v);
      if (r.ec == std::errc()) {
        ids.push_back(v);
        p = r.ptr;
        continue;
      }
    }
    ++p;
  }
  return ids;
}

CallStatus call_status_of(const std::string& status) {
  if (status == "partial") return CallStatus::partial;
  if (status == "error") return CallStatus::error;
  return CallStatus::ok;
}

}  // namespace strata::store
