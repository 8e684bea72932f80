#include "commands.h"

#include <array>

#include "commands/ask_command.h"
#include "commands/catalog_command.h"
#include "commands/chat_command.h"
#include "commands/chunk_command.h"
#include "commands/config_command.h"
#include "commands/embed_command.h"
#include "commands/ingest_command.h"
#include "commands/jobs_command.h"
#include "commands/keys_command.h"
#include "commands/logs_command.h"
#include "commands/mcp_command.h"
#include "commands/migrate_command.h"
#include "commands/search_command.h"
#include "commands/serve_command.h"
#include "commands/tokens_command.h"
#include "commands/trust_command.h"

namespace strata::cli {

namespace {

constexpr std::array k_commands = {
    Command{"migrate", "Version a SQLite, PostgreSQL or MySQL database schema with SQL migration files", setup_migrate},
    Command{"tokens", "Count, list, decode or truncate tokens (tiktoken-identical)", setup_tokens},
    Command{"chunk", "Split documents into chunks with exact byte offsets (JSON Lines)", setup_chunk},
    Command{"embed", "Embed a collection's chunks (stored, cached, resumable), or texts given as arguments or on stdin",
            setup_embed},
    Command{"ingest", "Add files, folders, stdin or JSONL records to the knowledge store", setup_ingest},
    Command{"collections", "List the store's collections, remove one, or copy one to another store", setup_collections},
    Command{"documents", "List a collection's documents, show one's chunks, remove some", setup_documents},
    Command{"search", "Search a collection by keyword (BM25), by vector, or both (hybrid)", setup_search},
    Command{"ask", "Answer a question from a collection's documents, with checked citations (offline without a model)",
            setup_ask},
    Command{"chat", "Ask questions one after another in a session (line editing, history, slash commands)", setup_chat},
    Command{"logs", "List the answers strata ask has given (question, model, tokens, time)", setup_logs},
    Command{"mcp", "Serve the store's search and documents, and the migration reports, to agents (MCP over stdio)",
            setup_mcp},
    Command{"keys", "Make, list or revoke the API keys that strata serve accepts (only their hashes are stored)",
            setup_keys},
    Command{"jobs", "List, show or cancel the background jobs of strata serve (crawls, embeds) in a store", setup_jobs},
    Command{"serve", "Serve the store's search and documents over HTTP (a JSON API with an OpenAPI document)", setup_serve},
    Command{"config", "Show the effective configuration (strata.toml, user file, environment, defaults) and its sources",
            setup_config},
    Command{"trust", "Allow a project's settings that send content, name secrets or leave the folder; list or revoke",
            setup_trust},
};

}  // namespace

std::span<const Command> commands() { return k_commands; }

}  // namespace strata::cli
