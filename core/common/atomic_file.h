#pragma once
// Replacing a file whole, safely in a folder someone else filled: a repository may plant
// `schema.sql.tmp -> ~/.bashrc` beside the file strata is asked to write. The new content goes
// to a file created exclusively under a random name beside the target (O_EXCL: never opened
// through an existing name, link or not), then renamed over the target.
#include <filesystem>
#include <string_view>

namespace strata {

// Whether a file written is on the disk before it replaces the old one (fsync): a cache's file
// that a crash may leave empty (its readers then find nothing) need not wait for the disk.
enum class Durability { synced, cache };

// Replaces `path` with `bytes`: a failure leaves the old file (or none) and no temporary file.
// The new file gets the permission bits of the regular file it replaces, else `new_mode`. When
// `path` itself is a symbolic link, the rename replaces the link, not the file it points to:
// nothing outside the folder is written. Throws Error(unavailable) "<path>: cannot write: why".
void write_file_atomically(const std::filesystem::path& path, std::string_view bytes, unsigned new_mode = 0644,
                           Durability durability = Durability::synced);

// Creates `dir` (absolute) and its missing parents, each 0700 (a user's cache is theirs alone);
// best effort: a writer into it fails if it is still missing.
void make_private_folders(const std::string& dir);

}  // namespace strata
