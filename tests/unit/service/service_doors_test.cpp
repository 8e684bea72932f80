// core/service as the doors use it: the ask request read from JSON (defaults, limits, the
// caller's history, bad input naming the field), the checks of a typed request per door (a
// terminal's k and an agent's), the operations run (an offline answer streamed to the door), and
// the results' shapes: what to_json writes conforms to the JSON Schema of its description, every
// required field there and no field the description does not declare.
#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <functional>
#include <optional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "ask/user_state.h"
#include "common/error.h"
#include "service/ask.h"
#include "service/call_scope.h"
#include "service/description.h"
#include "service/documents.h"
#include "service/ingest.h"
#include "service/profile.h"
#include "service/search.h"
#include "service/session.h"
#include "store/no_collection.h"
#include "store/store.h"
#include "test_util.h"

namespace strata::service {
namespace {

using nlohmann::json;

// The usage error's message of `f`, or "" when it throws none.
template <typename F>
std::string refusal_of(F f) {
  try {
    f();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::usage);
    return e.what();
  }
  return "";
}

// Whether `value` is of the JSON Schema type `type`.
bool of_type(const json& value, const std::string& type) {
  if (type == "string") return value.is_string();
  if (type == "integer") return value.is_number_integer() || value.is_number_unsigned();
  if (type == "number") return value.is_number();
  if (type == "boolean") return value.is_boolean();
  if (type == "object") return value.is_object();
  if (type == "array") return value.is_array();
  if (type == "null") return value.is_null();
  ADD_FAILURE() << "a schema type this check does not know: " << type;
  return false;
}

// Checks `value` against `schema` (the parts of JSON Schema json_schema() writes: type, enum,
// properties, required, additionalProperties, items); `at` names the place in failures.
void expect_conforms(const json& value, const json& schema, const std::string& at = "$") {
  if (const auto t = schema.find("type"); t != schema.end()) {
    bool any = false;
    for (const json& type : t->is_array() ? *t : json::array({*t})) any = any || of_type(value, type.get<std::string>());
    EXPECT_TRUE(any) << at << " is " << value.type_name() << ", the schema says " << t->dump();
    if (!any) return;
  }
  if (const auto e = schema.find("enum"); e != schema.end() && !value.is_null()) {
    EXPECT_NE(std::find(e->begin(), e->end(), value), e->end()) << at << " = " << value.dump() << " is not in " << e->dump();
  }
  if (value.is_object() && schema.contains("properties")) {
    const json& properties = schema["properties"];
    for (const json& name : schema.value("required", json::array())) {
      EXPECT_TRUE(value.contains(name.get<std::string>())) << at << " lacks required " << name;
    }
    for (const auto& [key, v] : value.items()) {
      if (!properties.contains(key)) {
        EXPECT_FALSE(schema.value("additionalProperties", true) == false) << at << " has undeclared " << key;
        continue;
      }
      expect_conforms(v, properties[key], at + "." + key);
    }
  }
  if (value.is_array() && schema.contains("items")) {
    for (std::size_t i = 0; i < value.size(); ++i) expect_conforms(value[i], schema["items"], at + "[" + std::to_string(i) + "]");
  }
}

// The check itself refuses what it should (a test of the test).
TEST(ServiceShapes, TheConformanceCheckRefusesAMissingOrUndeclaredField) {
  EXPECT_NONFATAL_FAILURE(expect_conforms(json{{"collections", json::array()}, {"extra", 1}}, json_schema(k_collections_result)),
                          "undeclared extra");
  EXPECT_NONFATAL_FAILURE(expect_conforms(json::object(), json_schema(k_collections_result)), "lacks required");
  json c = collection_json(store::CollectionInfo{}, Door::terminal);
  c["name"] = 3;
  EXPECT_NONFATAL_FAILURE(expect_conforms(json{{"collections", json::array({c})}}, json_schema(k_collections_result)),
                          "$.collections[0].name");
}

TEST(ServiceShapes, OneShapeForEveryDoorWithWhereFilesAndServersAreOnlyForThisMachine) {
  store::DocumentSummary d;
  d.source = "guide.md";
  d.path = "/home/alice/docs/guide.md";
  d.metadata_json = R"({"url":"https://example.com/guide"})";
  const json here = document_json(d, Door::terminal);
  const json there = document_json(d, Door::http);
  EXPECT_EQ(here["path"], "/home/alice/docs/guide.md");
  EXPECT_TRUE(there["path"].is_null()) << "a remote caller learns nothing of the ingesting machine's files";
  EXPECT_EQ(there["metadata"]["url"], "https://example.com/guide");
  DocumentsPage page;
  page.collection = "docs";
  page.total = 1;
  page.documents = {d};
  expect_conforms(to_json(page, Door::http), json_schema(k_documents_result));

  store::CollectionInfo c;
  c.name = "docs";
  c.chunk_config = R"({"strategy":"markdown","size":800,"unit":"chars"})";
  c.embedding_model.emplace();
  c.embedding_model->provider = "openai";
  c.embedding_model->model = "nomic-embed-text";
  c.embedding_model->server = "http://user:hunter2@10.0.0.5:11434/v1";
  const json local = collection_json(c, Door::terminal);
  EXPECT_EQ(local["embedding"]["server"], "http://user:***@10.0.0.5:11434/v1") << "a password in a URL is never shown";
  EXPECT_TRUE(collection_json(c, Door::http)["embedding"]["server"].is_null());
  EXPECT_EQ(local["chunking"]["size"], 800);
  EXPECT_EQ(local["embedding_model"], "openai nomic-embed-text");
  expect_conforms(to_json(std::vector<store::CollectionInfo>{c}, Door::http), json_schema(k_collections_result));
}

// --- ask: the request -------------------------------------------------------------------------

TEST(ServiceAskRequest, DefaultsComeFromTheDescriptionAndTheDoorKeepsItsOwn) {
  ask::AskRequest base;
  base.log = false;
  base.use_cache = false;
  base.redact = true;
  base.conversation = 7;
  const ask::AskRequest r = ask_request(json{{"question", "how do I roll back?"}}, base, "docs");
  EXPECT_EQ(r.question, "how do I roll back?");
  EXPECT_EQ(r.collection, "docs");
  EXPECT_EQ(r.k, static_cast<std::size_t>(k_ask_k_default));
  EXPECT_FALSE(r.mode);
  EXPECT_TRUE(r.where.empty());
  EXPECT_FALSE(r.turns) << "no history: the door's conversation, if any, stays";
  EXPECT_EQ(r.conversation, 7);
  EXPECT_EQ(r.user_context, "");
  EXPECT_FALSE(r.temperature);
  EXPECT_FALSE(r.max_tokens);
  // What the door owns is not the caller's to change.
  EXPECT_FALSE(r.log);
  EXPECT_FALSE(r.use_cache);
  EXPECT_TRUE(r.redact);
  EXPECT_NE(find_field(k_ask_request, "k")->help.find("(default " + std::to_string(k_ask_k_default) + ")"), std::string::npos);
  EXPECT_EQ(find_field(k_ask_request, "base_url"), nullptr);
  EXPECT_EQ(find_field(k_ask_request, "api_key_env"), nullptr);
}

TEST(ServiceAskRequest, EveryFieldIsReadAndTheHistoryBecomesTheCallersTurns) {
  ask::AskRequest base;
  base.continue_last = true;
  const json args = {{"question", "and for the store?"},
                     {"collection", "notes"},
                     {"k", k_ask_k_max},
                     {"mode", "keyword"},
                     {"where", {"team=legal", "source^=docs/"}},
                     {"history", {{{"role", "user"}, {"content", "how do I roll back?"}}, {{"role", "assistant"}, {"content", "Use redo [1]."}}}},
                     {"context", "error: no such table"},
                     {"temperature", 0.5},
                     {"max_tokens", 300}};
  const ask::AskRequest r = ask_request(args, base, "docs");
  EXPECT_EQ(r.collection, "notes");
  EXPECT_EQ(r.k, static_cast<std::size_t>(k_ask_k_max));
  EXPECT_EQ(r.mode, search::Mode::keyword);
  ASSERT_EQ(r.where.size(), 2U);
  EXPECT_EQ(r.where[1].key, "source");
  EXPECT_EQ(r.where[1].match, store::FilterMatch::prefix);
  ASSERT_TRUE(r.turns);
  ASSERT_EQ(r.turns->size(), 2U);
  EXPECT_EQ((*r.turns)[0].role, store::ConversationTurn::Role::user);
  EXPECT_EQ((*r.turns)[1].role, store::ConversationTurn::Role::assistant);
  EXPECT_EQ((*r.turns)[1].content, "Use redo [1].");
  EXPECT_FALSE(r.continue_last) << "the caller's history is the conversation, not the store's last one";
  EXPECT_EQ(r.user_context, "error: no such table");
  EXPECT_EQ(r.temperature, 0.5);
  EXPECT_EQ(r.max_tokens, 300U);
  EXPECT_TRUE(ask_request(json{{"question", "q"}, {"history", json::array()}}, {}, "d").turns)
      << "an empty history is a new conversation of the caller's";
}

TEST(ServiceAskRequest, BadInputIsRefusedNamingTheField) {
  const auto refused = [](const json& args) { return refusal_of([&] { ask_request(args, {}, "d"); }); };
  EXPECT_EQ(refused(json::object()), "argument 'question' is required (a non-empty string)");
  EXPECT_EQ(refused(json{{"question", " \n "}}), "argument 'question' is blank");
  EXPECT_EQ(refused(json{{"question", "q"}, {"k", k_ask_k_max + 1}}), "argument 'k' must be an integer from 1 to 100 (got 101)");
  EXPECT_EQ(refused(json{{"question", "q"}, {"k", 0}}), "argument 'k' must be an integer from 1 to 100 (got 0)");
  EXPECT_EQ(refused(json{{"question", "q"}, {"mode", "fuzzy"}}), "argument 'mode' must be keyword, vector or hybrid (got 'fuzzy')");
  EXPECT_EQ(refused(json{{"question", "q"}, {"where", {"nokey"}}}),
            "argument 'where': 'nokey' is not key=value, key^=prefix or key~glob");
  EXPECT_EQ(refused(json{{"question", "q"}, {"base_url", "http://x"}}),
            "unknown argument 'base_url'; the arguments are question, collection, k, mode, where, history, context, "
            "temperature, max_tokens");
  EXPECT_EQ(refused(json{{"question", "q"}, {"history", "hi"}}), "argument 'history' must be an array of {role, content} turns");
  EXPECT_EQ(refused(json{{"question", "q"}, {"history", {"hi"}}}), "argument 'history[0]' must be an object {role, content}");
  EXPECT_EQ(refused(json{{"question", "q"}, {"history", {{{"role", "user"}, {"content", "a"}}, {{"role", "system"}, {"content", "b"}}}}}),
            "argument 'history[1].role' must be user or assistant (got 'system')");
  EXPECT_EQ(refused(json{{"question", "q"}, {"history", {{{"content", "a"}}}}}),
            "argument 'history[0].role' is required (user or assistant)");
  EXPECT_EQ(refused(json{{"question", "q"}, {"history", {{{"role", "user"}}}}}), "argument 'history[0].content' is required (a string)");
  EXPECT_EQ(refused(json{{"question", "q"}, {"history", {{{"role", "user"}, {"content", 3}}}}}),
            "argument 'content' must be a string (got an integer)");
  EXPECT_EQ(refused(json{{"question", "q"}, {"history", {{{"role", "user"}, {"content", "a"}, {"name", "x"}}}}}),
            "unknown argument 'history[0].name'; a turn has role and content");
  json many = json::array();
  for (int i = 0; i <= k_history_turns_max; ++i) many.push_back({{"role", "user"}, {"content", "a"}});
  EXPECT_EQ(refused(json{{"question", "q"}, {"history", many}}), "argument 'history' holds 201 turns; at most 200 are read");
  const std::string half(k_history_bytes_max / 2 + 1, 'x');
  EXPECT_EQ(refused(json{{"question", "q"}, {"history", {{{"role", "user"}, {"content", half}}, {{"role", "assistant"}, {"content", half}}}}}),
            "argument 'history' holds more than 1 MiB of text, the most an ask reads");
  EXPECT_EQ(refused(json{{"question", "q"}, {"context", std::string(ask::k_max_user_context_bytes + 1, 'x')}}),
            "argument 'context' is longer than 1 MiB");
  EXPECT_EQ(refused(json{{"question", "q"}, {"temperature", 3}}), "argument 'temperature' must be a number from 0 to 2 (got 3)");
  EXPECT_EQ(refused(json{{"question", "q"}, {"temperature", "hot"}}),
            "argument 'temperature' must be a number from 0 to 2 (got a string)");
  EXPECT_EQ(refused(json{{"question", "q"}, {"max_tokens", 0}}), "argument 'max_tokens' must be an integer from 1 to 1048576 (got 0)");
}

TEST(ServiceAskRequest, ATypedRequestIsCheckedForTheDoorsLimits) {
  ask::AskRequest r;
  r.question = "q";
  EXPECT_EQ(refusal_of([&] { check_ask_request(r, k_ask_k_max); }), "");
  r.k = k_ask_k_max + 1;
  EXPECT_EQ(refusal_of([&] { check_ask_request(r, k_ask_k_max); }), "k must be from 1 to 100 (got 101)");
  EXPECT_EQ(refusal_of([&] { check_ask_request(r, k_terminal_k_max); }), "");
  r.question = " \t";
  EXPECT_EQ(refusal_of([&] { check_ask_request(r, k_terminal_k_max); }), "the question is empty");
}

// --- search: the limits per door --------------------------------------------------------------

TEST(ServiceSearchLimits, ATerminalAndAnAgentGetTheirOwnDefaultAndMaximum) {
  EXPECT_EQ(search_request(json{{"query", "q"}}, {}, "d", k_terminal_limits).k, 10U);
  EXPECT_EQ(search_request(json{{"query", "q"}, {"k", k_terminal_k_max}}, {}, "d", k_terminal_limits).k,
            static_cast<std::size_t>(k_terminal_k_max));
  EXPECT_EQ(refusal_of([] { search_request(json{{"query", "q"}, {"k", k_terminal_k_max + 1}}, {}, "d", k_terminal_limits); }),
            "argument 'k' must be an integer from 1 to 1000 (got 1001)");
  EXPECT_EQ(search_request(json{{"query", "q"}}, {}, "d").k, static_cast<std::size_t>(k_agent_k_default));
  EXPECT_EQ(search::SearchRequest{}.k, static_cast<std::size_t>(k_terminal_limits.k_default))
      << "a terminal's default is the search's own";
  search::SearchRequest r;
  r.query = "q";
  r.k = k_agent_k_max + 1;
  EXPECT_EQ(refusal_of([&] { check_search_request(r, k_agent_limits); }), "k must be from 1 to 50 (got 51)");
  EXPECT_EQ(refusal_of([&] { check_search_request(r, k_terminal_limits); }), "");
  r.k = 0;
  EXPECT_EQ(refusal_of([&] { check_search_request(r, k_terminal_limits); }), "k must be from 1 to 1000 (got 0)");
}

// --- the shapes -------------------------------------------------------------------------------

search::SearchHit a_hit() {
  search::SearchHit h;
  h.chunk.chunk_id = 41;
  h.chunk.document_id = 9;
  h.chunk.source = "guide.md";
  h.chunk.title = "Guide";
  h.chunk.line_start = 12;
  h.chunk.line_end = 30;
  h.score = 3.25;
  h.snippet = "roll back a migration";
  return h;
}

TEST(ServiceShapes, ASearchHitLineIsTheDescribedFieldsInTheirOrder) {
  const nlohmann::ordered_json plain = to_json(a_hit(), 1, false);
  EXPECT_EQ(plain.dump(),
            R"({"rank":1,"id":41,"document":9,"source":"guide.md","title":"Guide","lines":[12,30],"score":3.25,"snippet":"roll back a migration"})");
  expect_conforms(json(plain), json_schema(k_search_hit));
  search::SearchHit h = a_hit();
  h.chunk.page_start = 4;
  h.keyword = search::ListPosition{2, 3.25};
  h.rerank_score = 0.9;
  h.fused_rank = 4;
  const nlohmann::ordered_json explained = to_json(h, 2, true);
  EXPECT_EQ(explained["page"].dump(), "[4,4]");
  EXPECT_EQ(explained["keyword"].dump(), R"({"rank":2,"score":3.25})");
  EXPECT_TRUE(explained["vector"].is_null());
  EXPECT_EQ(explained["rerank"].dump(), R"({"score":0.9,"fused_rank":4})");
  expect_conforms(json(explained), json_schema(k_search_hit));
  // Every field the description declares is written by some hit.
  for (const Field& f : k_search_hit.fields) EXPECT_TRUE(explained.contains(f.name)) << f.name;
}

TEST(ServiceShapes, AnAskResultIsTheDescribedObjectWithEveryRequiredField) {
  ask::AskResult r;
  r.answer = "Use redo [1].";
  r.model = "extractive";
  r.citations.cited = {1};
  llm::Source s;
  s.number = 1;
  s.chunk = a_hit().chunk;
  s.chunk.text = "redo rolls back";
  s.chunk_ids = {41, 42};
  s.score = 0.5;
  r.pack.sources.push_back(s);
  ask::ToolCallRecord call;
  call.step = 1;
  call.name = "search";
  call.origin = "strata";
  call.arguments = R"({"query":"redo"})";
  r.tool_calls.push_back(call);
  const json j = to_json(r);
  expect_conforms(j, json_schema(k_ask_result));
  for (const Field& f : k_ask_result.fields) EXPECT_TRUE(j.contains(f.name)) << f.name;
  EXPECT_EQ(j.size(), k_ask_result.fields.size());
  EXPECT_EQ(j["sources"][0]["pages"], nullptr);
  EXPECT_EQ(j["sources"][0]["chunk_ids"], json::array({41, 42}));
  EXPECT_EQ(j["tool_calls"][0]["status"], "ok");
  EXPECT_EQ(j["usage"], json({{"input_tokens", nullptr}, {"output_tokens", nullptr}}));
  EXPECT_EQ(j["conversation"], nullptr);
}

TEST(ServiceShapes, CollectionsAreTheDescribedList) {
  store::CollectionInfo c;
  c.name = "docs";
  c.documents = 2;
  c.chunks = 5;
  c.embedded = 5;
  c.embedding_model = store::EmbeddingModel{};
  c.embedding_model->provider = "builtin";
  c.embedding_model->model = "hash-256";
  const json j = to_json(std::vector<store::CollectionInfo>{c, store::CollectionInfo{}}, Door::http);
  expect_conforms(j, json_schema(k_collections_result));
  EXPECT_EQ(j["collections"][0]["embedding_model"], "builtin hash-256");
  EXPECT_FALSE(j["collections"][1].contains("embedding_model"));
  EXPECT_EQ(j["collections"][1]["embedded"], 0);
}

// --- the operations run -------------------------------------------------------------------------

class ServiceOperations : public ::testing::Test {
 protected:
  void SetUp() override {
    base_.store_path = dir_ / "store.db";
    base_.threads = 1;
    const char* text = "# Migrations\n\nTo roll back a migration, run redo. Redo rolls back the last migration and applies it again.\n";
    ASSERT_EQ(ingest_document(ingest_document_request(json{{"source", "guide.md"}, {"text", text}}, "docs"), base_).action,
              ingest::Action::added);
  }
  ask::AskRequest request(const json& args) const {
    ask::AskRequest base;
    base.principal = ask::ephemeral_principal();
    base.log = false;
    return ask_request(args, base, "docs");
  }
  strata::testing::TempDir dir_;
  ingest::IngestRequest base_;
};

TEST_F(ServiceOperations, AnAnswerStreamsItsTextToTheDoorAndConformsToItsShape) {
  Session st(base_.store_path, {}, Session::Access::read_write, profile(Door::terminal));
  std::string streamed;
  int pieces = 0;
  const ask::AskResult r = answer(st, request(json{{"question", "how do I roll back a migration?"}}), ask::ResolvedProvider{},
                                  [&](std::string_view piece) {
                                    streamed += piece;
                                    ++pieces;
                                  });
  EXPECT_GT(pieces, 0);
  EXPECT_EQ(streamed, r.answer);
  EXPECT_NE(r.answer.find("redo"), std::string::npos) << r.answer;
  ASSERT_EQ(r.pack.sources.size(), 1U);
  EXPECT_EQ(r.pack.sources[0].chunk.source, "guide.md");
  expect_conforms(to_json(r), json_schema(k_ask_result));
}

TEST_F(ServiceOperations, AHistoryIsSentAsTheConversationAndTheFollowUpIsRetrievedInIt) {
  Session st(base_.store_path, {}, Session::Access::read_write, profile(Door::terminal));
  const json history = {{{"role", "user"}, {"content", "how do I roll back a migration?"}},
                        {{"role", "assistant"}, {"content", "Run redo [1]."}}};
  const ask::AskResult r =
      answer(st, request(json{{"question", "and what else does it do?"}, {"history", history}}), ask::ResolvedProvider{},
             [](std::string_view) {});
  EXPECT_EQ(r.history_messages, 2U);
  ASSERT_TRUE(r.retrieval_query);
  EXPECT_NE(r.retrieval_query->find("how do I roll back a migration?"), std::string::npos) << *r.retrieval_query;
  EXPECT_FALSE(r.conversation_id) << "the caller's conversation is not stored as one of the store's";
}

TEST_F(ServiceOperations, ASearchRunsWithinTheDoorsLimits) {
  store::Store st = store::Store::open_existing(base_.store_path);
  search::Searcher searcher(st);
  search::SearchRequest r = search_request(json{{"query", "roll back"}}, {}, "docs");
  const search::SearchResult found = run_search(searcher, r, k_agent_limits);
  ASSERT_EQ(found.hits.size(), 1U);
  expect_conforms(json(to_json(found.hits[0], 1, false)), json_schema(k_search_hit));
  r.k = k_agent_k_max + 1;
  EXPECT_EQ(refusal_of([&] { run_search(searcher, r, k_agent_limits); }), "k must be from 1 to 50 (got 51)");
  EXPECT_EQ(run_search(searcher, r, k_terminal_limits).hits.size(), 1U);
  expect_conforms(to_json(collections(st), Door::terminal), json_schema(k_collections_result));
}

// --- the session every door opens -----------------------------------------------------------------

TEST_F(ServiceOperations, ASessionOpensTheStoreOnceAndChecksTheCallersReach) {
  Session s(base_.store_path, {}, Session::Access::read_write, profile(Door::http));
  store::Store& first = s.store();
  EXPECT_EQ(&first, &s.store()) << "one handle for every operation";
  EXPECT_EQ(&s.searcher(), &s.searcher());
  search::SearchRequest r;
  r.query = "roll back";
  r.collection = "docs";
  EXPECT_FALSE(s.search(r).hits.empty());

  s.set_reach([](auth::Scope, std::string_view c) { return c == "notes"; });
  try {
    s.search(r);
    ADD_FAILURE() << "a collection out of the caller's reach was searched";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::refused);
    EXPECT_STREQ(e.what(), "this API key may not read collection 'docs'");
  }
  s.set_reach(nullptr);
  r.collection = "nope";
  try {
    s.search(r);
    ADD_FAILURE() << "an unknown collection was searched";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::not_found) << "not found, never the class of a server that is down";
    EXPECT_EQ(e.code(), ExitCode::invalid_input);
  }
}

// What a call is refused with, as kind and words: "" when it was not refused.
struct Refusal {
  std::optional<ErrorKind> kind;
  std::string message, hint;
};
template <typename F>
Refusal session_refusal(F&& f) {
  try {
    f();
  } catch (const Error& e) {
    return {e.kind(), e.what(), e.hint()};
  }
  return {};
}

TEST_F(ServiceOperations, ARemoteCallerHearsOfNoPathAndOnlyOfTheCollectionsItReaches) {
  ASSERT_EQ(ingest_document(ingest_document_request(json{{"source", "s.md"}, {"text", "secret words\n"}}, "secret"), base_).action,
            ingest::Action::added);
  Session s(base_.store_path, {}, Session::Access::read_write, profile(Door::http));
  Caller caller;
  caller.key = auth::Key{};
  caller.key->name = "reader";
  caller.key->scope = auth::Scope::read;
  caller.key->collections = {"docs", "nope"};  // may read a collection there is none of
  {
    const CallScope scope(s, caller);
    for (const auto& call : std::vector<std::function<void()>>{
             [&] { s.read(read_request(json{{"source", "guide.md"}}, "nope", 1000)); },
             [&] { s.documents(documents_request(json::object(), "nope")); },
             [&] {
               search::SearchRequest r;
               r.query = "roll back";
               r.collection = "nope";
               s.search(r);
             }}) {
      const Refusal r = session_refusal(call);
      EXPECT_EQ(r.kind, ErrorKind::not_found);
      EXPECT_EQ(r.message, "no collection named 'nope'") << "a remote caller is not told where the store is";
      EXPECT_EQ(r.hint, "collections this key reaches: docs") << "nor of a collection it may not read";
    }
    EXPECT_EQ(session_refusal([&] { s.read(read_request(json{{"source", "s.md"}}, "secret", 1000)); }).kind, ErrorKind::refused);
    EXPECT_EQ(session_refusal([&] { s.remove("docs", "guide.md"); }).kind, ErrorKind::refused) << "a read key removes nothing";
    ASSERT_EQ(s.collections().size(), 1U);
    EXPECT_EQ(s.collections()[0].name, "docs");
    EXPECT_EQ(s.documents(documents_request(json::object(), "docs")).total, 1);
  }
  EXPECT_EQ(s.collections().size(), 2U) << "the call's reach ends with its scope";
  EXPECT_EQ(s.remove("secret", "s.md").size(), 1U);

  Session local(base_.store_path, {}, Session::Access::read_write, profile(Door::terminal));
  const Refusal mine = session_refusal([&] { local.collection(auth::Scope::read, "nope"); });
  EXPECT_EQ(mine.message, "no collection named 'nope' in " + local.store().path()) << "the user's own store is named";
  EXPECT_EQ(mine.hint, "collections in this store: docs secret");
}

TEST_F(ServiceOperations, AnAnswersRetrievalRunsOnTheCallersSession) {
  Session s(base_.store_path, {}, Session::Access::read_write, profile(Door::http));
  s.set_reach([](auth::Scope, std::string_view c) { return c == "notes"; });
  const Refusal r = session_refusal([&] { answer(s, request(json{{"question", "how do I roll back?"}}), ask::ResolvedProvider{}, [](std::string_view) {}); });
  EXPECT_EQ(r.kind, ErrorKind::refused);
  EXPECT_EQ(r.message, "this API key may not read collection 'docs'");
  s.set_reach(nullptr);
  const ask::AskRequest on = on_session(request(json{{"question", "how do I roll back?"}}), s);
  ASSERT_TRUE(on.search) << "the answer searches through the session";
  search::SearchRequest q;
  q.query = "roll back";
  q.collection = "docs";
  q.k = 100;
  EXPECT_EQ(on.search(q).hits.size(), 1U) << "an answer's k is its own rule's (up to 100), not a search's 50";
}

TEST_F(ServiceOperations, ASessionWithoutAStoreMakesNoneAndADoorsBoundsApply) {
  Session none(dir_ / "none.db", {}, Session::Access::read_only, profile(Door::agent));
  try {
    none.store();
    ADD_FAILURE() << "a store was made";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::unavailable) << "a server without a store yet is not ready: 503, not 404";
  }
  EXPECT_FALSE(std::filesystem::exists(dir_ / "none.db"));

  search::SearchRequest r;
  r.embed.timeout = std::chrono::milliseconds{120'000};
  search::apply_bounds(r, profile(Door::http).search);
  EXPECT_TRUE(r.keyword_when_query_fails);
  ASSERT_TRUE(r.embed_deadline);
  EXPECT_EQ(*r.embed_deadline, std::chrono::milliseconds{20'000});
  EXPECT_EQ(r.embed.timeout, std::chrono::milliseconds{15'000});
  search::SearchRequest t;
  search::apply_bounds(t, profile(Door::terminal).search);
  EXPECT_FALSE(t.keyword_when_query_fails) << "a person at a terminal waits for the configuration's timeouts";
  EXPECT_FALSE(t.embed_deadline);
  EXPECT_EQ(profile(Door::agent).search.embed_deadline, profile(Door::http).search.embed_deadline)
      << "an agent and an HTTP client get the same deadline (one row each, not a copy of constants)";
}

}  // namespace
}  // namespace strata::service
