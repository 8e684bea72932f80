#include "ask/chat.h"

#include <array>
#include <utility>
#include <vector>

#include "common/error.h"
#include "common/text.h"
#include "config/config.h"
#include "search/searcher.h"
#include "store/ask_store.h"
#include "common/setting.h"

namespace strata::ask {
namespace {

constexpr std::array<ChatCommandInfo, 9> k_chat_commands = {{
    {"/sources", "", "the last answer's sources again"},
    {"/edit", "", "write the question in $VISUAL or $EDITOR (else vi)"},
    {"/collection", "NAME", "ask the collection NAME from now on (a new conversation)"},
    {"/new", "", "start a new conversation"},
    {"/model", "[NAME]", "show the model, or use NAME from now on"},
    {"/tools", "[on|off]", "show, or let the model call tools or not"},
    {"/help", "", "this list"},
    {"/quit", "", "end the session (also /exit, or Ctrl-D)"},
    {"/exit", "", "end the session"},
}};

constexpr std::string_view k_chat_space = " \t\r\n\f\v";

ChatLine chat_refusal(std::string message) {
  ChatLine l;
  l.kind = ChatLine::Kind::unknown;
  l.error = std::move(message);
  return l;
}

ChatLine unknown_chat_command(std::string_view word) {
  std::vector<std::string> names;
  for (const ChatCommandInfo& c : k_chat_commands) names.emplace_back(c.name);
  const std::string shown(word.substr(0, 40));  // a pasted paragraph is not repeated whole
  if (const std::optional<std::string> near = config::closest(word, names)) {
    return chat_refusal("unknown command '" + shown + "'; did you mean '" + *near + "'?");
  }
  return chat_refusal("unknown command '" + shown + "'");
}

// A slash command's word: '/' and letters, nothing else ("/" alone: a command not finished). A
// path ("/usr/lib/x.py", "/tmp:"), a C comment ("/*") or a number ("/2") starts a question.
bool command_word(std::string_view word) {
  if (!word.starts_with('/')) return false;
  for (const char c : word.substr(1)) {
    if ((c | 0x20) < 'a' || (c | 0x20) > 'z') return false;
  }
  return true;
}

}  // namespace

std::span<const ChatCommandInfo> chat_commands() { return k_chat_commands; }

ChatLine parse_chat_line(std::string_view line) {
  const std::string_view text = trim(line);
  ChatLine l;
  if (text.empty()) return l;
  const std::size_t end = text.find_first_of(k_chat_space);
  const std::string_view word = text.substr(0, end);
  // A text of several lines is a paste (a traceback, a log): a question as it is, whatever its
  // first line says. Only a single line whose first word looks like a command is read as one.
  if (text.find('\n') != std::string_view::npos) {
    l.kind = ChatLine::Kind::question;
    l.argument = std::string(text);
    return l;
  }
  if (!command_word(word)) {
    l.kind = ChatLine::Kind::question;
    l.argument = std::string(text.starts_with("//") ? text.substr(1) : text);
    return l;
  }
  l.argument = std::string(end == std::string_view::npos ? std::string_view{} : trim(text.substr(end)));
  using K = ChatLine::Kind;
  static constexpr std::array<std::pair<std::string_view, K>, 6> k_bare = {{
      {"/sources", K::sources}, {"/edit", K::edit}, {"/new", K::new_conversation}, {"/help", K::help}, {"/quit", K::quit}, {"/exit", K::quit}}};
  for (const auto& [name, kind] : k_bare) {
    if (word != name) continue;
    if (!l.argument.empty()) return chat_refusal("'" + std::string(name) + "' takes no argument");
    l.kind = kind;
    return l;
  }
  if (word == "/collection") {
    l.kind = K::collection;
  } else if (word == "/model") {
    l.kind = K::model;
  } else if (word == "/tools") {
    if (!l.argument.empty() && l.argument != "on" && l.argument != "off") return chat_refusal("'/tools' takes on or off");
    l.kind = K::tools;
  } else {
    return unknown_chat_command(word);
  }
  return l;
}

ChatSession::ChatSession(store::Store& store, AskRequest base) : store_(store), base_(std::move(base)) {
  base_.continue_last = false;  // the session says which conversation: base_.conversation
}

void ChatSession::check_resumed() const {
  if (!base_.conversation) return;
  store::AskStore tables(store_, base_.principal);
  const std::optional<store::Conversation> c = tables.conversation(*base_.conversation);
  if (!c) usage("there is no conversation " + std::to_string(*base_.conversation) + " of yours", "'strata logs' lists them");
  if (!c->verified) {
    usage("conversation " + std::to_string(*base_.conversation) + " is not continued: its turns do not verify with your key",
          "strata continues only conversations it recorded for you; start chat without " + mention(Setting::conversation));
  }
}

AskResult ChatSession::ask(const std::string& question, const ResolvedProvider& provider, AskObserver& observer) {
  AskRequest request = base_;
  request.question = question;
  // The cache is keyed by the request, and the first question of every conversation is the same
  // request (no earlier turns): a question asked again after /new would get the previous
  // conversation's answer. A conversation's first answer comes from the model; its follow-ups
  // carry the conversation's turns, so their cache entries are the conversation's own.
  if (!base_.conversation && !base_.turns) request.use_cache = false;
  if (!base_.log && base_.conversation && !base_.turns) {
    // Logging off in a resumed conversation: its stored turns (checked by check_resumed), then
    // the session's own, kept here.
    store::AskStore tables(store_, base_.principal);
    const std::optional<store::Conversation> c = tables.conversation(*base_.conversation);
    if (!c || !c->verified) usage("conversation " + std::to_string(*base_.conversation) + " is not continued: its turns do not verify with your key");
    base_.turns = c->turns;
    request.turns = base_.turns;
  }
  AskResult result = strata::ask::ask(store_, request, provider, observer);
  if (!base_.log && !result.partial && !result.step_limit) {
    // Logging off: the session keeps the turns itself (nothing is stored).
    if (!base_.turns) base_.turns.emplace();
    base_.turns->push_back(store::ConversationTurn{store::ConversationTurn::Role::user, question});
    base_.turns->push_back(store::ConversationTurn{store::ConversationTurn::Role::assistant, result.answer});
  }
  if (result.conversation_id) base_.conversation = result.conversation_id;
  last_ = result;
  return result;
}

void ChatSession::switch_collection(const std::string& name) {
  search::require_collection(store_, name);
  if (name != base_.collection) new_conversation();
  base_.collection = name;
}

void ChatSession::new_conversation() {
  base_.conversation.reset();
  base_.turns.reset();
  last_.reset();
}

}  // namespace strata::ask
