#pragma once
// What `strata ask` and `strata chat` keep of the user's own, outside every project and every
// store, in the user's state folder ($XDG_STATE_HOME/strata, else ~/.local/state/strata):
// - `ask.key`: a random secret, made on first use (mode 0600). Every response_cache entry and
//   conversation turn strata writes carries its MAC (store/ask_rows.h), and only those that
//   verify under it are read back as the user's: a store cloned from a repository, or a shared
//   server where the store's owner or a colleague can write any row, never puts words into the
//   user's model.
// - `logs-off`: present while `strata logs off` stands (nothing of an ask or chat is stored).
#include <filesystem>
#include <functional>
#include <optional>
#include <string>

#include "store/ask_store.h"

namespace strata::ask {

// $XDG_STATE_HOME/strata when that is an absolute path, else $HOME/.local/state/strata; empty
// when neither is set.
std::filesystem::path user_state_dir(const std::function<std::optional<std::string>(const std::string&)>& getenv);

// The user's key in `dir` (made there, and `dir` with mode 0700, when missing). Throws
// Error(unavailable) naming the file when it cannot be made or read, is not a regular file of
// 64 hex digits, or group or others may read it (the hint says how to fix it); Error(usage)
// when `dir` is empty.
store::AskPrincipal user_principal(const std::filesystem::path& dir);

// A key for this run only, when the user's cannot be had: nothing stored verifies under it.
store::AskPrincipal ephemeral_principal();

// The principal of `secret`: "key:" and 16 hex digits of a hash of it (not the secret).
store::AskPrincipal principal_of(std::string secret);

// `strata logs off` / `on` / `status`: whether the user turned logging off (the file
// `logs-off` in `dir`). set_logs_off throws Error(unavailable) naming the file.
bool logs_off(const std::filesystem::path& dir);
void set_logs_off(const std::filesystem::path& dir, bool off);

}  // namespace strata::ask
