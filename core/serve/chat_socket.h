#pragma once
// Chat over a WebSocket at /api/v1/chat/ws (http/websocket.h): several questions over one
// connection, each a follow-up to the answers before it (the connection keeps the history), the
// answer streamed as it is written. The protocol, one JSON object per text message:
//
//   client                                              server
//   {"type":"auth","token":KEY}  (when the upgrade      {"type":"ready"}  once questions may come
//        had no Authorization header and keys apply:
//        the first message, within auth_wait)
//   {"type":"ask","question":...,"collection":...,      {"type":"sources","sources":[...]}
//    "k":..,"mode":..,"where":[..],"id":ANY}            {"type":"chunk","content":"..."}  ...
//                                                       {"type":"done", ...strata ask --json's fields}
//   {"type":"cancel"}  stops the answer being written   {"type":"error","status":N,"detail":...}
//   {"type":"reset"}   forgets the history
//   {"type":"ping"}                                     {"type":"pong"}
//
// Every message about a question carries the ask's "id" when it gave one. Questions are answered
// in order; at most k_questions_waiting wait behind the one being answered (past them the server
// reads no more until one is answered). A message that is not JSON, or of an unknown type, is an
// error message and the connection stays open. The caller's key is checked again every
// Gate::k_stream_recheck: revoked or expired, the connection is closed (4401) and its answer
// cancelled. Each question takes one request of the key's rate and is held to its token limit,
// as POST /api/v1/ask is.
#include <chrono>
#include <cstddef>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <utility>

#include "ask/ask.h"
#include "http/websocket.h"
#include "serve/answer_metrics.h"
#include "serve/caller.h"
#include "service/session.h"

namespace strata::serve {

inline constexpr std::size_t k_questions_waiting = 8;
// The history a connection keeps, the oldest turns going first: at most 40 turns and 8 KiB (a
// model's window must still hold the sources: a long answer kept whole left none), each turn at
// most its first 4 KiB.
inline constexpr std::size_t k_socket_history_turns = 40;
inline constexpr std::size_t k_socket_history_bytes = std::size_t{8} << 10;
inline constexpr std::size_t k_socket_turn_bytes = std::size_t{4} << 10;

struct ChatSocket {
  ask::AskRequest base;            // the door's ask defaults
  std::string collection;          // a question that names none asks this one
  ask::ResolvedProvider provider;  // the door's model
  service::Session* session = nullptr;
  std::mutex* store_turn = nullptr;  // the worker's (store_turn.h)
  // The caller the upgrade was admitted as; `needs_key`: none yet, the first message must bring it.
  Caller caller;
  bool needs_key = false;
  // Checks a token sent in an auth message (Gate::authenticate, under the store turn): the
  // caller, or the refusal's status and message.
  std::function<std::pair<std::optional<Caller>, std::pair<int, std::string>>(const std::string& token)> authenticate;
  AnswerMetrics* answers = nullptr;
  std::chrono::milliseconds auth_wait{std::chrono::seconds(10)};
  // Set: what runs instead of service::answer (tests).
  std::function<ask::AskResult(ask::AskObserver&, const std::atomic<bool>& cancel)> run{};
};

// Runs the chat on `socket` until either side closes it or the server stops.
void run_chat_socket(http::WebSocket& socket, ChatSocket chat);

}  // namespace strata::serve
