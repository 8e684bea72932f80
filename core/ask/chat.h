#pragma once
// `strata chat`: a session of questions over a collection, each answered by ask() and each
// after the first continuing the same conversation; and the reading of a typed line (a question
// or a slash command). The terminal (line editing, printing, Ctrl-C) is the caller's.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "ask/ask.h"
#include "store/store.h"

namespace strata::ask {

// One line typed into a chat session.
struct ChatLine {
  enum class Kind {
    blank,         // only whitespace: ignored
    question,      // `argument` is the question, trimmed
    sources,       // /sources
    edit,          // /edit: the question is written in an editor (the caller runs it)
    collection,    // /collection NAME (`argument`; empty: show the current one)
    new_conversation,  // /new
    model,         // /model [NAME] (`argument`; empty: show the current one)
    tools,         // /tools [on|off] (`argument`; empty: show the state)
    help,          // /help
    quit,          // /quit, /exit
    unknown,       // a slash command that is none of these, or a bad argument (`error` says which)
  };
  Kind kind = Kind::blank;
  std::string argument;
  std::string error;  // unknown: one line, with the closest command when one is close
};

// A slash command, for /help and the closest-command suggestion.
struct ChatCommandInfo {
  std::string_view name;     // "/collection"
  std::string_view args;     // "NAME", "" when it takes none
  std::string_view summary;  // a few words
};
std::span<const ChatCommandInfo> chat_commands();

// Reads a line: a slash command when it is one line whose first word is '/' and letters (a
// known command, else `unknown`); anything else is a question: a text of several lines (a
// paste, whatever its first line says), a line that starts with a path ("/usr/lib/x.py line
// 3", "/tmp: full"). A question that starts with a command-like word is written with two
// slashes ("//etc is full" asks "/etc is full"). Never throws.
ChatLine parse_chat_line(std::string_view line);

// A session's state: the request every question starts from, the conversation it continues and
// the last result (for /sources).
class ChatSession {
 public:
  // `base`: the request of every question (collection, retrieval, model settings; question
  // ignored). `base.conversation` set: the session resumes it (checked by resume()).
  // REQUIRES: `store` outlives the session.
  ChatSession(store::Store& store, AskRequest base);

  // Throws Error(usage) "there is no conversation ID" when `base.conversation` names none, so
  // that a wrong --conversation fails before the first question is read.
  void check_resumed() const;

  // Answers `question` as ask() does (throws as it does), continuing the session's conversation;
  // the first complete answer of a new conversation starts one (its id is kept). The first
  // question of a conversation is never answered from the cache (after /new, the same question
  // is asked again); follow-ups are, when the cache is on, since their key holds the turns. An interrupted
  // or cut answer keeps no turn, so the conversation stays as it was.
  AskResult ask(const std::string& question, const ResolvedProvider& provider, AskObserver& observer);

  // /collection NAME: throws Error(unavailable) as search does when the store has no such
  // collection (the session's collection stays). A new collection starts a new conversation:
  // the earlier answers cite sources of the other one.
  void switch_collection(const std::string& name);
  // /new: the next question starts a new conversation.
  void new_conversation();
  void set_tools(bool enabled) { base_.tools.enabled = enabled; }
  // The tools of the configured MCP servers, offered with strata's own while tools are on.
  void set_external_tools(std::vector<AgentTool> tools) { base_.tools.external = std::move(tools); }

  const AskRequest& request() const { return base_; }
  const std::optional<std::int64_t>& conversation() const { return base_.conversation; }
  const std::optional<AskResult>& last() const { return last_; }

 private:
  store::Store& store_;
  AskRequest base_;
  std::optional<AskResult> last_;
};

}  // namespace strata::ask
