#include "store/ask_rows.h"

#include <charconv>

#include "common/error.h"
#include "common/sha256.h"
#include "common/utf8.h"

namespace strata::store {
namespace {

void field(std::string& out, std::string_view value) {
  out += std::to_string(value.size());
  out += ':';
  out += value;
  out += ',';
}

void optional_field(std::string& out, const std::optional<std::string>& value) {
  if (value) {
    out += '=';
    field(out, *value);
  } else {
    out += '-';
  }
}

void optional_field(std::string& out, const std::optional<std::int64_t>& value) {
  optional_field(out, value ? std::optional<std::string>(std::to_string(*value)) : std::nullopt);
}

}  // namespace

std::string cache_mac(const AskPrincipal& principal, const std::string& key, const CachedAnswer& answer) {
  std::string text = "strata response_cache v1\n";
  field(text, principal.id);
  field(text, key);
  field(text, answer.answer);
  field(text, answer.model);
  optional_field(text, answer.finish_reason);
  optional_field(text, answer.input_tokens);
  optional_field(text, answer.output_tokens);
  return hmac_sha256_hex(principal.secret, text);
}

std::string turn_mac(const AskPrincipal& principal, std::int64_t conversation, std::size_t ordinal,
                     ConversationTurn::Role role, const std::string& content) {
  std::string text = "strata messages v1\n";
  field(text, principal.id);
  field(text, std::to_string(conversation));
  field(text, std::to_string(ordinal));
  field(text, role == ConversationTurn::Role::assistant ? "assistant" : "user");
  field(text, content);
  return hmac_sha256_hex(principal.secret, text);
}

bool mac_matches(const std::optional<std::string>& stored, const std::string& expected) {
  return stored && equal_in_constant_time(*stored, expected);
}

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
