#include "logs_command.h"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "ask/public.h"
#include "auth/public.h"
#include "ask_session.h"
#include "common/public.h"
#include "llm/public.h"
#include "net/public.h"
#include "number_flags.h"
#include "option_bundles.h"
#include "output.h"
#include "store/public.h"
#include "store_options.h"

namespace strata::cli {
namespace {

using nlohmann::json;

struct LogsCliOptions {
  StoreOptions store;
  std::uint64_t limit = 20;                  // 0: all
  std::optional<std::uint64_t> conversation;  // 1 or more
  std::uint64_t id = 0;                      // logs show ID, 1 or more
  std::optional<std::string> key;            // an API key's name: the calls it made through strata serve
  OutputOptions out;  // out.color: the run's (RunContext)
};

// Whose calls are listed: an API key's (--key NAME: what it asked through strata serve), else the
// user's key (made on first use); without one, a key of this run, under which a SQLite store
// lists only the calls from before principals were recorded.
store::AskPrincipal listing_principal(const LogsCliOptions& o) {
  if (o.key) return auth::log_principal(*o.key);
  try {
    return ask::user_principal(ask_state_dir());
  } catch (const Error&) {
    return ask::ephemeral_principal();
  }
}

json optional_json(const std::optional<std::int64_t>& v) { return v ? json(*v) : json(nullptr); }

// The tools the model called (`ask --tools`), as stored: a JSON array, or null when none was offered.
json tool_calls_value(const std::optional<std::string>& stored) {
  if (!stored) return nullptr;
  ParsedJson calls = parse_json_within(*stored);  // a store may come from elsewhere: bounded
  return calls.ok() ? std::move(calls.value) : json(nullptr);
}

json call_json(const store::LlmCall& c) {
  return json{{"id", c.id},
              {"time", c.created_at},
              {"conversation", optional_json(c.conversation_id)},
              {"collection", c.collection},
              {"question", c.question},
              {"answer", c.answer},
              {"provider", c.provider},
              {"model", c.model},
              {"endpoint", c.endpoint.empty() ? json(nullptr) : json(net::redact_url(c.endpoint))},
              {"status", store::to_string(c.status)},
              {"error", c.error.empty() ? json(nullptr) : json(c.error)},
              {"cached", c.cached},
              {"usage", {{"input_tokens", optional_json(c.input_tokens)}, {"output_tokens", optional_json(c.output_tokens)}}},
              {"latency_ms", std::round(c.latency_ms * 1000) / 1000},
              {"total_ms", std::round(c.total_ms * 1000) / 1000},
              {"chunk_ids", c.chunk_ids},
              {"retrieval_query", c.retrieval_query ? json(*c.retrieval_query) : json(nullptr)},
              {"tool_calls", tool_calls_value(c.tool_calls)}};
}

// One line of a table cell: newlines folded, escape sequences removed, cut to `max` bytes at a
// UTF-8 boundary.
std::string cell(const std::string& text, std::size_t max) {
  std::string s = llm::sanitize_for_terminal(text);
  for (char& ch : s) {
    if (ch == '\n' || ch == '\t') ch = ' ';
  }
  if (s.size() <= max) return s;
  return s.substr(0, utf8_boundary_before(s, max)) + "…";
}

// One line per call: the step, the tool, its status and its arguments, sanitised (they are the model's).
void print_tool_calls(const std::optional<std::string>& stored) {
  const json calls = tool_calls_value(stored);
  if (!calls.is_array() || calls.empty()) return;
  std::cout << "\n\ntool calls:";
  for (const json& c : calls) {
    if (!c.is_object()) continue;
    std::string args = c.value("arguments", "");
    std::cout << "\n" << c.value("step", 0) << ". " << llm::sanitize_for_terminal(c.value("tool", "")) << " "
              << cell(args, 200) << " (" << c.value("status", "") << ")";
  }
}

int run_logs(const LogsCliOptions& o) {
  const std::size_t limit = static_cast<std::size_t>(o.limit);
  std::optional<std::int64_t> conversation;
  if (o.conversation) conversation = static_cast<std::int64_t>(*o.conversation);
  const std::unique_ptr<service::Session> session = open_session(o.store);
  store::Store& st = session->store();
  store::AskStore tables(st, listing_principal(o));
  const std::vector<store::LlmCall> calls = tables.calls(limit, conversation);
  if (o.out.json) {
    std::string out;
    for (const store::LlmCall& c : calls) out += call_json(c).dump(-1, ' ', false, json::error_handler_t::replace) + "\n";
    write_out(out);
    return 0;
  }
  if (calls.empty()) {
    print_note(conversation ? "no logged calls in conversation " + std::to_string(*conversation) : std::string("no logged calls yet"), o.out);
    return 0;
  }
  const bool color = color_enabled(o.out.color, STDOUT_FILENO);
  Table table({"ID", "TIME", "CONV", "MODEL", "STATUS", "TOKENS", "MS", "QUESTION", "ANSWER"});
  for (const store::LlmCall& c : calls) {
    std::string tokens = "-";
    if (c.input_tokens || c.output_tokens) {
      tokens = (c.input_tokens ? std::to_string(*c.input_tokens) : "?") + "/" +
               (c.output_tokens ? std::to_string(*c.output_tokens) : "?");
    }
    std::string status = store::to_string(c.status);
    if (c.cached) status += " (cached)";
    const Tone tone = c.status == store::CallStatus::ok ? Tone::plain : (c.status == store::CallStatus::partial ? Tone::warn : Tone::bad);
    char ms[32];
    std::snprintf(ms, sizeof ms, "%.0f", c.total_ms);
    table.add({std::to_string(c.id), c.created_at.substr(0, 19), c.conversation_id ? std::to_string(*c.conversation_id) : "-",
               cell(c.model, 40), status, tokens, ms, cell(c.question, 60), cell(c.answer, 400)},
              {Tone::plain, Tone::dim, Tone::plain, Tone::plain, tone, Tone::plain, Tone::plain, Tone::plain, Tone::plain});
  }
  // On a terminal each call is one line that fits it (the answer cut with …); in a pipe, whole cells.
  table.print(std::cout, color, ::isatty(STDOUT_FILENO) == 1 ? terminal_columns(STDOUT_FILENO) : 0);
  std::cout << std::flush;
  return 0;
}

// `strata logs show ID`: one call whole. The question, answer and error are model and user
// text: sanitised for the terminal, newlines kept.
int run_show(const LogsCliOptions& o) {
  const std::int64_t id = static_cast<std::int64_t>(o.id);
  const std::unique_ptr<service::Session> session = open_session(o.store);
  store::Store& st = session->store();
  store::AskStore tables(st, listing_principal(o));
  const std::optional<store::LlmCall> c = tables.call(id);
  if (!c) {
    throw Error(ExitCode::usage, "no logged call " + std::to_string(id), "strata logs lists them with their ids");
  }
  if (o.out.json) {
    const std::string out = call_json(*c).dump(-1, ' ', false, json::error_handler_t::replace) + "\n";
    write_out(out);
    return 0;
  }
  const auto field = [](const char* name, const std::string& value) {
    std::cout << name << ": " << llm::sanitize_for_terminal(value) << '\n';
  };
  field("id", std::to_string(c->id));
  field("time", c->created_at);
  field("conversation", c->conversation_id ? std::to_string(*c->conversation_id) : "-");
  field("collection", c->collection);
  field("model", c->provider + " " + c->model + (c->endpoint.empty() ? "" : " at " + net::redact_url(c->endpoint)));
  field("status", store::to_string(c->status) + std::string(c->cached ? " (cached)" : ""));
  if (!c->error.empty()) field("error", c->error);
  field("tokens", !c->input_tokens && !c->output_tokens
                     ? std::string("-")
                     : (c->input_tokens ? std::to_string(*c->input_tokens) : "?") + " in, " +
                           (c->output_tokens ? std::to_string(*c->output_tokens) : "?") + " out");
  char ms[64];
  std::snprintf(ms, sizeof ms, "%.0f ms (model %.0f ms)", c->total_ms, c->latency_ms);
  field("time taken", ms);
  std::string chunks;
  for (const std::int64_t chunk : c->chunk_ids) chunks += (chunks.empty() ? "" : " ") + std::to_string(chunk);
  field("chunks", chunks.empty() ? "-" : chunks);
  std::cout << "\nquestion:\n" << llm::sanitize_for_terminal(c->question);
  if (c->retrieval_query) std::cout << "\n\nretrieved with:\n" << llm::sanitize_for_terminal(*c->retrieval_query);
  print_tool_calls(c->tool_calls);
  std::cout << "\n\nanswer:\n"
            << llm::sanitize_for_terminal(c->answer) << '\n' << std::flush;
  return 0;
}

// `strata logs off|on|status`: the user's standing setting, in their state folder (never a
// project's file: a project cannot turn logging back on).
int run_setting(const std::string& verb, const OutputOptions& out) {
  const std::filesystem::path dir = ask_state_dir();
  if (verb != "status") ask::set_logs_off(dir, verb == "off");
  const bool off = ask::logs_off(dir);
  if (out.json) {
    write_out(json{{"logging", !off}}.dump() + "\n");
  } else {
    write_out(off ? "Logging is off: ask and chat store nothing (strata logs on to turn it back on)\n"
                  : "Logging is on: ask and chat store each question and answer (strata logs off, or --no-log for one run)\n");
  }
  return 0;
}

}  // namespace

Run setup_logs(CLI::App& cmd) {
  auto o = std::make_shared<LogsCliOptions>();
  add_store_option(cmd, o->store);
  check_whole_number(cmd.add_option("-n,--limit", o->limit, "Show the N most recent calls; 0 shows all (default: 20)")
                         ->type_name("N"),
                     0);
  check_whole_number(cmd.add_option("--conversation", o->conversation, "Only the calls of conversation ID")->type_name("ID"),
                     1);
  cmd.add_option("--key", o->key, "The calls API key NAME made through strata serve (strata keys list names them)")
      ->type_name("NAME");
  add_output_options(cmd, o->out,
                     {"JSON Lines: one object per call, answer and chunk ids included",
                      "No note on stderr when nothing was logged (errors remain)"});
  cmd.footer(
      "Examples:\n"
      "  strata logs\n"
      "  strata logs --conversation 3\n"
      "  strata logs --key ci-bot\n"
      "  strata logs --json -n 1 | jq -r .answer\n"
      "  strata logs off\n"
      "Exit: 0 listed, 2 usage, 7 no store or store unavailable");
  CLI::App* show = cmd.add_subcommand("show", "Print one logged call whole: question, answer, model, tokens, chunks");
  check_whole_number(show->add_option("ID", o->id, "The call's id, as strata logs lists it")->required()->type_name("ID"),
                     1);
  add_store_option(*show, o->store);
  show->add_option("--key", o->key, "A call API key NAME made through strata serve")->type_name("NAME");
  show->add_flag("--json", o->out.json, "The call as one JSON object (as a line of strata logs --json)");
  show->footer("Examples:\n  strata logs show 1\n  strata logs show 1 --json | jq -r .answer\nExit: 0 shown, 2 usage or no such call, 7 no store");
  struct Setting {
    const char* verb;
    const char* help;
    const char* examples;
  };
  std::vector<std::pair<CLI::App*, std::string>> settings;
  for (const Setting& s :
       {Setting{"off", "Store nothing of ask and chat from now on (a setting of yours, kept in your state folder)",
                "  strata logs off\n  strata logs status\n"},
        Setting{"on", "Store each ask and chat question and answer again (the default)",
                "  strata logs on\n  strata logs on --json\n"},
        Setting{"status", "Say whether ask and chat store their questions and answers",
                "  strata logs status\n  strata logs status --json | jq .logging\n"}}) {
    CLI::App* sub = cmd.add_subcommand(s.verb, s.help);
    sub->add_flag("--json", o->out.json, "One JSON object: {\"logging\": true} or false");
    sub->footer(std::string("Examples:\n") + s.examples + "Exit: 0 done, 7 the setting cannot be written");
    settings.emplace_back(sub, s.verb);
  }
  return [o, show, settings](const RunContext& context) {
    o->out.color = context.color;
    for (const auto& [sub, verb] : settings) {
      if (sub->parsed()) return run_setting(verb, o->out);
    }
    return show->parsed() ? run_show(*o) : run_logs(*o);
  };
}

}  // namespace strata::cli
