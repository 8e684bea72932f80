// strata.toml and the user file: discovery, precedence, relative paths and every refusal
// (malformed, unknown section/key with a suggestion, wrong type, secrets in files).
#include "config/config.h"

#include <gtest/gtest.h>

#include <map>

#include "test_util.h"

namespace strata::config {
namespace {

using strata::testing::error_of;

// The real filesystem, no variables: what the CLI gives load(), but for its working directory
// and environment (cli::process_environment).
Environment on_disk() {
  Environment env;
  env.cwd = std::filesystem::current_path();
  env.getenv = [](const std::string&) -> std::optional<std::string> { return std::nullopt; };
  env.read_file = read_settings_file;
  return env;
}

// An environment with files and variables in memory.
struct FakeEnv {
  std::map<std::string, std::string> files;
  std::map<std::string, std::string> vars;
  std::string cwd = "/home/ann/proj/sub";

  Environment env() const {
    Environment e;
    e.cwd = cwd;
    e.getenv = [this](const std::string& name) -> std::optional<std::string> {
      const auto it = vars.find(name);
      if (it == vars.end() || it->second.empty()) return std::nullopt;
      return it->second;
    };
    e.read_file = [this](const std::filesystem::path& p) -> std::optional<std::string> {
      const auto it = files.find(p.string());
      if (it == files.end()) return std::nullopt;
      return it->second;
    };
    return e;
  }
};

TEST(Config, DefaultsWithNoFiles) {
  FakeEnv f;
  f.vars["HOME"] = "/home/ann";
  const Configuration c = load(f.env());
  EXPECT_FALSE(c.files.project);
  EXPECT_FALSE(c.files.user);
  EXPECT_EQ(c.files.user_candidate, "/home/ann/.config/strata/config.toml");
  EXPECT_EQ(c.get("store.path").value, ".strata/store.db");
  EXPECT_EQ(c.get("store.path").origin, Origin::default_value);
  EXPECT_EQ(c.get("migrate.table").value, "strata_migrations");
  EXPECT_FALSE(c.value("migrate.database"));
  EXPECT_FALSE(c.value("llm.model"));
}

TEST(Config, ProjectFileFoundUpwardAndPathsRelativeToIt) {
  FakeEnv f;
  f.files["/home/ann/proj/strata.toml"] =
      "[store]\npath = \"data/kb.db\"\ncollection = \"docs\"\n"
      "[migrate]\ndir = \"db/migrations\"\ndatabase = \"sqlite:db/app.sqlite3\"\n"
      "[chunk]\nsize = 800\n";
  const Configuration c = load(f.env());
  ASSERT_TRUE(c.files.project);
  EXPECT_EQ(*c.files.project, "/home/ann/proj/strata.toml");
  EXPECT_EQ(c.get("store.path").value, "/home/ann/proj/data/kb.db");
  EXPECT_EQ(c.get("store.path").origin, Origin::project_file);
  EXPECT_EQ(c.get("store.path").where, "/home/ann/proj/strata.toml:2");
  EXPECT_EQ(c.get("store.collection").value, "docs");
  EXPECT_EQ(c.get("migrate.dir").value, "/home/ann/proj/db/migrations");
  EXPECT_EQ(c.get("migrate.database").value, "sqlite:/home/ann/proj/db/app.sqlite3");
  EXPECT_EQ(c.get("chunk.size").value, "800");
}

TEST(Config, NearestProjectFileWins) {
  FakeEnv f;
  f.files["/home/ann/strata.toml"] = "[store]\ncollection = \"outer\"\n";
  f.files["/home/ann/proj/strata.toml"] = "[store]\ncollection = \"inner\"\n";
  EXPECT_EQ(load(f.env()).get("store.collection").value, "inner");
}

TEST(Config, PostgresUrlAndAbsolutePathsAreKept) {
  FakeEnv f;
  f.files["/home/ann/proj/strata.toml"] =
      "[migrate]\ndatabase = \"postgres://u@h/db\"\ndir = \"/home/ann/proj/db/migrations\"\n";
  const Configuration c = load(f.env());
  EXPECT_EQ(c.get("migrate.database").value, "postgres://u@h/db");
  EXPECT_EQ(c.get("migrate.dir").value, "/home/ann/proj/db/migrations");
  // An absolute path outside the project is a project file's only with the user's consent
  // (config/trust.h): the default stands, and the setting is listed as ignored.
  f.files["/home/ann/proj/strata.toml"] = "[migrate]\ndir = \"/srv/migrations\"\n";
  const Configuration outside = load(f.env());
  EXPECT_EQ(outside.get("migrate.dir").value, "./migrations");
  ASSERT_EQ(outside.trust.ignored.size(), 1U);
  EXPECT_EQ(outside.trust.ignored[0].name, "migrate.dir");
}

TEST(Config, PrecedenceEnvOverProjectOverUserOverDefault) {
  FakeEnv f;
  f.vars["XDG_CONFIG_HOME"] = "/xdg";
  f.files["/xdg/strata/config.toml"] =
      "[store]\ncollection = \"from-user\"\npath = \"user.db\"\n[llm]\nmodel = \"user-model\"\n"
      "[embed]\nmodel = \"user-embed\"\n";
  f.files["/home/ann/proj/strata.toml"] = "[store]\ncollection = \"from-project\"\npath = \"p.db\"\n";
  f.vars["STRATA_STORE"] = "/env/store.db";
  Configuration c = load(f.env());
  ASSERT_TRUE(c.files.user);
  EXPECT_EQ(c.get("store.collection").value, "from-project");
  EXPECT_EQ(c.get("store.path").value, "/env/store.db");
  EXPECT_EQ(c.get("store.path").where, "env STRATA_STORE");
  EXPECT_EQ(c.get("llm.model").value, "user-model");
  EXPECT_EQ(c.get("llm.model").origin, Origin::user_file);
  EXPECT_EQ(c.get("llm.model").where, "/xdg/strata/config.toml:5");
  // A user file's relative paths are not moved.
  f.files.erase("/home/ann/proj/strata.toml");
  f.vars.erase("STRATA_STORE");
  EXPECT_EQ(load(f.env()).get("store.path").value, "user.db");
  // Flags win over everything.
  c.set_flag("store.collection", "cli", "--collection");
  EXPECT_EQ(c.get("store.collection").value, "cli");
  EXPECT_EQ(c.get("store.collection").where, "--collection");
}

TEST(Config, MalformedFileNamesLineAndColumn) {
  FakeEnv f;
  f.files["/home/ann/proj/strata.toml"] = "[store]\npath = \"unterminated\n";
  const Error e = error_of([&] { load(f.env()); });
  EXPECT_EQ(e.code(), ExitCode::usage);
  EXPECT_NE(std::string(e.what()).find("/home/ann/proj/strata.toml:2:"), std::string::npos) << e.what();
}

TEST(Config, UnknownKeySuggestsClosest) {
  FakeEnv f;
  f.files["/home/ann/proj/strata.toml"] = "[store]\ncolection = \"x\"\n";
  const Error e = error_of([&] { load(f.env()); });
  EXPECT_EQ(e.code(), ExitCode::usage);
  EXPECT_EQ(std::string(e.what()),
            "/home/ann/proj/strata.toml:2:1: unknown key store.colection; did you mean store.collection?");
}

TEST(Config, UnknownSectionSuggestsClosest) {
  FakeEnv f;
  f.files["/home/ann/proj/strata.toml"] = "\n[embedd]\nmodel = \"x\"\n";
  const Error e = error_of([&] { load(f.env()); });
  EXPECT_NE(std::string(e.what()).find(":2:2: unknown section [embedd]; did you mean [embed]?"), std::string::npos)
      << e.what();
  f.files["/home/ann/proj/strata.toml"] = "[zzzzzzzz]\n";
  const Error far = error_of([&] { load(f.env()); });
  EXPECT_EQ(std::string(far.what()).find("did you mean"), std::string::npos) << far.what();
}

// Found by fuzz/config_file.cpp: the TOML parser quotes the bytes it choked on, and quoted keys
// may hold escapes, so a refusal could span lines or carry terminal controls.
TEST(Config, RefusalsShowControlCharactersAsEscapes) {
  FakeEnv f;
  f.files["/home/ann/proj/strata.toml"] = "[chunk]\nsize = i\n";
  const Error parse = error_of([&] { load(f.env()); });
  EXPECT_EQ(std::string(parse.what()).find('\n'), std::string::npos) << parse.what();
  f.files["/home/ann/proj/strata.toml"] = "[\"a\\nb\\u001b[31m\"]\n";
  const Error section = error_of([&] { load(f.env()); });
  EXPECT_EQ(std::string(section.what()), "/home/ann/proj/strata.toml:1:2: unknown section [a\\nb\\x1b[31m]");
}

TEST(Config, WrongTypeNamesExpectedType) {
  FakeEnv f;
  f.files["/home/ann/proj/strata.toml"] = "[chunk]\nsize = \"800\"\n";
  const Error e = error_of([&] { load(f.env()); });
  EXPECT_EQ(std::string(e.what()),
            "/home/ann/proj/strata.toml:2:8: chunk.size must be a non-negative integer, not a string");
  f.files["/home/ann/proj/strata.toml"] = "[store]\npath = 3\n";
  const Error s = error_of([&] { load(f.env()); });
  EXPECT_EQ(std::string(s.what()), "/home/ann/proj/strata.toml:2:8: store.path must be a string, not an integer");
}

TEST(Config, BooleansAreTomlBooleansOnly) {
  FakeEnv f;
  EXPECT_EQ(load(f.env()).get("ingest.embed").value, "false");
  EXPECT_EQ(load(f.env()).get("ingest.embed").origin, Origin::default_value);
  f.files["/home/ann/proj/strata.toml"] = "[ingest]\nembed = true\n";
  const Configuration c = load(f.env());
  EXPECT_EQ(c.get("ingest.embed").value, "true");
  EXPECT_EQ(c.get("ingest.embed").origin, Origin::project_file);
  EXPECT_EQ(c.get("ingest.embed").where, "/home/ann/proj/strata.toml:2");
  // "true" in quotes, or 1, is not a boolean: refused rather than guessed.
  f.files["/home/ann/proj/strata.toml"] = "[ingest]\nembed = \"true\"\n";
  EXPECT_EQ(std::string(error_of([&] { load(f.env()); }).what()),
            "/home/ann/proj/strata.toml:2:9: ingest.embed must be true or false, not a string");
  f.files["/home/ann/proj/strata.toml"] = "[ingest]\nembed = 1\n";
  EXPECT_EQ(std::string(error_of([&] { load(f.env()); }).what()),
            "/home/ann/proj/strata.toml:2:9: ingest.embed must be true or false, not an integer");
}

// A number key takes a TOML float or integer, kept as its shortest decimal text.
TEST(Config, NumbersAreTomlFloatsOrIntegersNotNegative) {
  FakeEnv f;
  EXPECT_FALSE(load(f.env()).get("search.vector_weight").set()) << "no default: the model's kind decides";
  f.files["/home/ann/proj/strata.toml"] = "[search]\nvector_weight = 0.3\n";
  Configuration c = load(f.env());
  EXPECT_EQ(c.get("search.vector_weight").value, "0.3");
  EXPECT_EQ(c.get("search.vector_weight").where, "/home/ann/proj/strata.toml:2");
  f.files["/home/ann/proj/strata.toml"] = "[search]\nvector_weight = 1\n";
  EXPECT_EQ(load(f.env()).get("search.vector_weight").value, "1");
  f.files["/home/ann/proj/strata.toml"] = "[search]\nvector_weight = \"0.3\"\n";
  EXPECT_EQ(std::string(error_of([&] { load(f.env()); }).what()),
            "/home/ann/proj/strata.toml:2:17: search.vector_weight must be a non-negative number, not a string");
  f.files["/home/ann/proj/strata.toml"] = "[search]\nvector_weight = -0.5\n";
  EXPECT_EQ(std::string(error_of([&] { load(f.env()); }).what()),
            "/home/ann/proj/strata.toml:2:17: search.vector_weight must be a non-negative number, not a negative number");
  f.files["/home/ann/proj/strata.toml"] = "[search]\nvector_weight = nan\n";
  EXPECT_EQ(std::string(error_of([&] { load(f.env()); }).what()),
            "/home/ann/proj/strata.toml:2:17: search.vector_weight must be a non-negative number, not nan or inf");
}

TEST(Config, SecretsAreRefusedWithoutRepeatingThem) {
  FakeEnv f;
  f.files["/home/ann/proj/strata.toml"] = "[llm]\napi_key = \"sk-secret-123\"\n";
  const Error e = error_of([&] { load(f.env()); });
  EXPECT_EQ(e.code(), ExitCode::usage);
  const std::string m = e.what();
  EXPECT_NE(m.find("strata.toml:2:1: llm.api_key"), std::string::npos) << m;
  EXPECT_NE(m.find("environment variable"), std::string::npos) << m;
  EXPECT_EQ(m.find("sk-secret"), std::string::npos);
  EXPECT_EQ(std::string(e.hint()).find("sk-secret"), std::string::npos);
  // A key pasted where the variable's name belongs.
  f.files["/home/ann/proj/strata.toml"] = "[embed]\napi_key_env = \"sk-secret-123\"\n";
  const Error pasted = error_of([&] { load(f.env()); });
  EXPECT_EQ(std::string(pasted.what()).find("sk-secret"), std::string::npos) << pasted.what();
  EXPECT_NE(std::string(pasted.what()).find("name of an environment variable"), std::string::npos);
  // A variable's name is accepted, but a project file's applies only in a trusted project
  // (config/trust.h): until then the default stands.
  f.files["/home/ann/proj/strata.toml"] = "[embed]\napi_key_env = \"MY_KEY\"\n";
  EXPECT_EQ(load(f.env()).get("embed.api_key_env").value, "OPENAI_API_KEY");
  f.files["/home/ann/.config/strata/config.toml"] = "[embed]\napi_key_env = \"MY_KEY\"\n";
  f.files.erase("/home/ann/proj/strata.toml");
  f.vars["HOME"] = "/home/ann";
  EXPECT_EQ(load(f.env()).get("embed.api_key_env").value, "MY_KEY");
}

// Issue 19: a URL's password in a file is a secret in a file; trust.endpoints decides where the
// user's keys may go, so a project file may not set it.
TEST(Config, AUrlWithAPasswordAndAProjectsTrustListAreRefused) {
  FakeEnv f;
  f.files["/home/ann/proj/strata.toml"] = "[migrate]\ndatabase = \"postgres://app:hunter2pw@db/app\"\n";
  Error e = error_of([&] { load(f.env()); });
  EXPECT_EQ(e.code(), ExitCode::usage);
  EXPECT_NE(std::string(e.what()).find("strata.toml:2:12: migrate.database: the URL holds a password"), std::string::npos)
      << e.what();
  EXPECT_EQ(std::string(e.what()).find("hunter2pw"), std::string::npos);
  f.files["/home/ann/proj/strata.toml"] = "[llm]\nbase_url = \"http://x/v1?password=hunter2pw\"\n";
  EXPECT_EQ(std::string(error_of([&] { load(f.env()); }).what()).find("hunter2pw"), std::string::npos);
  f.files["/home/ann/proj/strata.toml"] = "[migrate]\ndatabase = \"postgres://app@db/app\"\n";
  EXPECT_EQ(load(f.env()).get("migrate.database").value, "postgres://app@db/app") << "a user name alone is fine";

  f.files["/home/ann/proj/strata.toml"] = "[trust]\nendpoints = \"http://attacker\"\n";
  e = error_of([&] { load(f.env()); });
  EXPECT_NE(std::string(e.what()).find("strata.toml:2:13: trust.endpoints is read from your own config file"),
            std::string::npos)
      << e.what();
  f.files.clear();
  f.files["/home/ann/.config/strata/config.toml"] = "[trust]\nendpoints = \"https://llm.internal\"\n";
  f.vars["HOME"] = "/home/ann";
  const Configuration c = load(f.env());
  EXPECT_EQ(c.get("trust.endpoints").value, "https://llm.internal");
  EXPECT_EQ(c.get("trust.endpoints").origin, Origin::user_file);
  f.vars["STRATA_TRUSTED_ENDPOINTS"] = "http://a:1";
  EXPECT_EQ(load(f.env()).get("trust.endpoints").value, "http://a:1");
}

// Found by the bad-input catalogue: a directory named strata.toml was skipped as if absent, so
// the settings its owner meant to write were silently not used.
TEST(Config, AStrataTomlThatIsADirectoryIsRefusedNotSkipped) {
  const strata::testing::TempDir tmp;
  std::filesystem::create_directories(tmp.path() / "strata.toml");
  std::filesystem::create_directories(tmp.path() / "sub" / "deeper");
  Environment env = on_disk();
  env.cwd = tmp.path() / "sub" / "deeper";
  env.getenv = [](const std::string&) -> std::optional<std::string> { return std::nullopt; };
  const Error e = error_of([&] { load(env); });
  EXPECT_EQ(e.code(), ExitCode::usage);
  EXPECT_EQ(std::string(e.what()), (tmp.path() / "strata.toml").string() + ": is a directory, not a file");
}

TEST(Config, AUserFileThatIsADirectoryIsRefused) {
  const strata::testing::TempDir tmp;
  std::filesystem::create_directories(tmp.path() / "xdg" / "strata" / "config.toml");
  std::filesystem::create_directories(tmp.path() / "work");
  Environment env = on_disk();
  env.cwd = tmp.path() / "work";
  const std::string xdg = (tmp.path() / "xdg").string();
  env.getenv = [xdg](const std::string& name) -> std::optional<std::string> {
    if (name == "XDG_CONFIG_HOME") return xdg;
    return std::nullopt;
  };
  const Error e = error_of([&] { load(env); });
  EXPECT_EQ(e.code(), ExitCode::usage);
  EXPECT_EQ(std::string(e.what()), xdg + "/strata/config.toml: is a directory, not a file");
}

TEST(Config, ProcessFilesThatAreAbsentOrRegularStillRead) {
  const strata::testing::TempDir tmp;
  const Environment env = on_disk();
  EXPECT_FALSE(env.read_file(tmp.path() / "strata.toml"));
  std::filesystem::create_symlink(tmp.path() / "gone.toml", tmp.path() / "dangling.toml");
  EXPECT_FALSE(env.read_file(tmp.path() / "dangling.toml"));
  strata::testing::write_file(tmp / "strata.toml", "[store]\n");
  EXPECT_EQ(env.read_file(tmp.path() / "strata.toml"), "[store]\n");
}

TEST(Config, StoreBusyTimeoutFromTheVariableOrAFile) {
  FakeEnv f;
  EXPECT_EQ(store_busy_timeout(load(f.env())), std::chrono::seconds(60));
  f.files["/home/ann/proj/strata.toml"] = "[store]\nbusy_timeout = 5\n";
  EXPECT_EQ(store_busy_timeout(load(f.env())), std::chrono::seconds(5));
  f.vars["STRATA_BUSY_TIMEOUT"] = "0";
  EXPECT_EQ(store_busy_timeout(load(f.env())), std::chrono::seconds(0)) << "the variable beats the file; 0: no wait";
  f.vars["STRATA_BUSY_TIMEOUT"] = "2.5";
  Error e = error_of([&] { store_busy_timeout(load(f.env())); });
  EXPECT_EQ(e.code(), ExitCode::usage);
  EXPECT_EQ(std::string(e.what()), "STRATA_BUSY_TIMEOUT must be a whole number of seconds from 0 to 86400 (got '2.5')");
  f.vars.clear();
  f.files["/home/ann/proj/strata.toml"] = "[store]\nbusy_timeout = 90000\n";
  e = error_of([&] { store_busy_timeout(load(f.env())); });
  EXPECT_EQ(std::string(e.what()),
            "/home/ann/proj/strata.toml:2: store.busy_timeout must be a whole number of seconds from 0 to 86400 (got "
            "'90000')");
}

TEST(Config, ConverterCommandsComeOnlyFromTheUserFile) {
  FakeEnv f;
  f.vars["HOME"] = "/home/ann";
  f.files["/home/ann/.config/strata/config.toml"] =
      "[ingest.loaders]\n\".rtf\" = \"pandoc -t gfm {path}\"\ndoc = 'antiword {path}'\n";
  f.files["/home/ann/proj/strata.toml"] =
      "[store]\ncollection = \"docs\"\n\n[ingest]\nloader_timeout = 5\n\n[ingest.loaders]\n\".md\" = \"curl evil {path}\"\n";
  const Configuration c = load(f.env());
  ASSERT_EQ(c.loaders.commands.size(), 2U);
  EXPECT_EQ(c.loaders.commands[0].extension, ".rtf");
  EXPECT_EQ(c.loaders.commands[0].command, "pandoc -t gfm {path}");
  EXPECT_EQ(c.loaders.commands[0].where, "/home/ann/.config/strata/config.toml:2");
  EXPECT_EQ(c.loaders.commands[1].extension, "doc");
  // The project's table is not applied, only noted; its other keys are.
  EXPECT_EQ(c.loaders.ignored, "/home/ann/proj/strata.toml:7");
  EXPECT_EQ(c.get("ingest.loader_timeout").value, "5");
  EXPECT_EQ(c.get("store.collection").value, "docs");
}

TEST(Config, ConverterTableMustHoldStrings) {
  FakeEnv f;
  f.vars["HOME"] = "/home/ann";
  f.files["/home/ann/.config/strata/config.toml"] = "[ingest.loaders]\n\".rtf\" = 3\n";
  EXPECT_EQ(std::string(error_of([&] { load(f.env()); }).what()),
            "/home/ann/.config/strata/config.toml:2:10: ingest.loaders.\".rtf\" must be a string (the command), not an "
            "integer");
  f.files["/home/ann/.config/strata/config.toml"] = "[ingest]\nloaders = \"pandoc\"\n";
  EXPECT_EQ(std::string(error_of([&] { load(f.env()); }).what()),
            "/home/ann/.config/strata/config.toml:2:11: ingest.loaders must be a table ([ingest.loaders]), not a string");
  f.files["/home/ann/.config/strata/config.toml"] = "[ingest]\nloader = 1\n";
  EXPECT_NE(std::string(error_of([&] { load(f.env()); }).what()).find("did you mean ingest.loaders?"), std::string::npos);
}

TEST(Config, McpServersComeOnlyFromTheUserFile) {
  FakeEnv f;
  f.vars["HOME"] = "/home/ann";
  f.files["/home/ann/.config/strata/config.toml"] =
      "[mcp.servers.files]\ncommand = [\"npx\", \"-y\", \"@modelcontextprotocol/server-filesystem\", \"/tmp/x\"]\n"
      "env = { GITHUB_TOKEN = \"ghp-literal\", ROOT = \"/tmp\" }\ntimeout = 5\n\n"
      "[mcp.servers.every_thing-2]\ncommand = [\"node\"]\n";
  f.files["/home/ann/proj/strata.toml"] = "[store]\ncollection = \"docs\"\n\n[mcp.servers.evil]\ncommand = [\"curl\"]\n";
  const Configuration c = load(f.env());
  ASSERT_EQ(c.mcp_servers.servers.size(), 2U);
  const McpServerConfig& files = c.mcp_servers.servers[0];
  EXPECT_EQ(files.name, "files");
  EXPECT_EQ(files.command, (std::vector<std::string>{"npx", "-y", "@modelcontextprotocol/server-filesystem", "/tmp/x"}));
  // env values are literal, secrets included: the user's own file, for a program they chose.
  EXPECT_EQ(files.env, (std::vector<std::pair<std::string, std::string>>{{"GITHUB_TOKEN", "ghp-literal"}, {"ROOT", "/tmp"}}));
  EXPECT_EQ(files.timeout, std::chrono::seconds(5));
  EXPECT_EQ(files.where, "/home/ann/.config/strata/config.toml:1");
  EXPECT_EQ(c.mcp_servers.servers[1].name, "every_thing-2");
  EXPECT_EQ(c.mcp_servers.servers[1].timeout, std::chrono::seconds(60));
  EXPECT_TRUE(c.mcp_servers.servers[1].env.empty());
  EXPECT_EQ(c.mcp_servers.ignored, "/home/ann/proj/strata.toml:4");
  EXPECT_EQ(c.get("store.collection").value, "docs");
}

// Which calls of a server ask first is the user's word for that server, "always" unless said.
TEST(Config, McpServerConfirmIsAlwaysUnlessTheUserSaysOtherwise) {
  FakeEnv f;
  f.vars["HOME"] = "/home/ann";
  const std::string user = "/home/ann/.config/strata/config.toml";
  f.files[user] = "[mcp.servers.a]\ncommand = [\"a\"]\n\n[mcp.servers.b]\ncommand = [\"b\"]\nconfirm = \"writes\"\n\n"
                  "[mcp.servers.c]\ncommand = [\"c\"]\nconfirm = \"never\"\n";
  const Configuration c = load(f.env());
  ASSERT_EQ(c.mcp_servers.servers.size(), 3U);
  EXPECT_EQ(c.mcp_servers.servers[0].confirm, McpConfirm::always);
  EXPECT_EQ(c.mcp_servers.servers[1].confirm, McpConfirm::writes);
  EXPECT_EQ(c.mcp_servers.servers[2].confirm, McpConfirm::never);
  f.files[user] = "[mcp.servers.a]\ncommand = [\"a\"]\nconfirm = \"readonly\"\n";
  EXPECT_EQ(std::string(error_of([&] { load(f.env()); }).what()),
            user + ":3:11: mcp.servers.a.confirm must be \"always\", \"writes\" or \"never\", not \"readonly\"");
  f.files[user] = "[mcp.servers.a]\ncommand = [\"a\"]\nconfirm = false\n";
  EXPECT_NE(std::string(error_of([&] { load(f.env()); }).what()).find("not a boolean"), std::string::npos);
}

TEST(Config, McpServerTablesAreValidated) {
  FakeEnv f;
  f.vars["HOME"] = "/home/ann";
  const std::string user = "/home/ann/.config/strata/config.toml";
  const auto refusal = [&](const std::string& text) {
    f.files[user] = text;
    const Error e = error_of([&] { load(f.env()); });
    EXPECT_EQ(e.code(), ExitCode::usage);
    return std::string(e.what());
  };
  EXPECT_EQ(refusal("[mcp.servers.a]\ncomand = [\"x\"]\n"),
            user + ":2:1: unknown key mcp.servers.a.comand; did you mean mcp.servers.a.command?");
  EXPECT_EQ(refusal("[mcp.servers.a]\ncommand = \"npx server\"\n"),
            user + ":2:11: mcp.servers.a.command must be an array of strings (the program and its arguments), not a string");
  EXPECT_EQ(refusal("[mcp.servers.a]\ncommand = []\n"), user + ":2:11: mcp.servers.a.command is empty: name the program to run");
  EXPECT_EQ(refusal("[mcp.servers.a]\ncommand = [\"x\", 3]\n"), user + ":2:17: mcp.servers.a.command[1] must be a string, not an integer");
  EXPECT_EQ(refusal("[mcp.servers.a]\ncommand = [\"\"]\n"), user + ":2:11: mcp.servers.a.command[0] (the program) is empty");
  EXPECT_EQ(refusal("[mcp.servers.a]\nenv = { A = \"1\" }\n"), user + ":1:1: mcp.servers.a has no command");
  EXPECT_EQ(refusal("[mcp.servers.a]\ncommand = [\"x\"]\nenv = { A = 1 }\n"),
            user + ":3:13: mcp.servers.a.env.A must be a string, not an integer");
  EXPECT_EQ(refusal("[mcp.servers.a]\ncommand = [\"x\"]\nenv = { \"A-B\" = \"1\" }\n"),
            user + ":3:17: mcp.servers.a.env: 'A-B' is not an environment variable name (letters, digits and _)");
  EXPECT_EQ(refusal("[mcp.servers.a]\ncommand = [\"x\"]\nenv = \"A=1\"\n"),
            user + ":3:7: mcp.servers.a.env must be a table of strings, not a string");
  EXPECT_EQ(refusal("[mcp.servers.a]\ncommand = [\"x\"]\ntimeout = 0\n"),
            user + ":3:11: mcp.servers.a.timeout must be a whole number of seconds from 1 to 3600, not 0");
  EXPECT_EQ(refusal("[mcp.servers.a]\ncommand = [\"x\"]\ntimeout = 1.5\n"),
            user + ":3:11: mcp.servers.a.timeout must be a whole number of seconds from 1 to 3600, not a floating-point number");
  EXPECT_EQ(refusal("[mcp.servers.a]\ncommand = [\"x\"]\ntimeout = 3601\n"),
            user + ":3:11: mcp.servers.a.timeout must be a whole number of seconds from 1 to 3600, not 3601");
  EXPECT_EQ(refusal("[mcp.servers.\"bad name\"]\ncommand = [\"x\"]\n"),
            user + ":1:1: mcp.servers: 'bad name' is not a valid server name");
  EXPECT_EQ(refusal("[mcp.servers." + std::string(33, 'a') + "]\ncommand = [\"x\"]\n"),
            user + ":1:1: mcp.servers: '" + std::string(33, 'a') + "' is not a valid server name");
  EXPECT_EQ(refusal("[mcp]\nserver = 1\n"), user + ":2:1: unknown key mcp.server; did you mean mcp.servers?");
  EXPECT_EQ(refusal("[mcp]\nservers = 1\n"), user + ":2:11: mcp.servers must be a table ([mcp.servers.NAME] per server), not an integer");
  EXPECT_EQ(refusal("[mcp.servers]\na = 1\n"), user + ":2:5: mcp.servers.a must be a table ([mcp.servers.a]), not an integer");
  EXPECT_NE(refusal("[mcpp]\n").find("did you mean [mcp]?"), std::string::npos);
}

TEST(Config, EditDistanceCountsTranspositionsOnce) {
  EXPECT_EQ(edit_distance("colleciton", "collection"), 1u);
  EXPECT_EQ(edit_distance("dir", "dir"), 0u);
  EXPECT_EQ(edit_distance("", "abc"), 3u);
  EXPECT_EQ(closest("modle", {"provider", "model", "base_url"}), "model");
  EXPECT_FALSE(closest("xyz", {"provider", "model"}));
}

}  // namespace
}  // namespace strata::config
