#pragma once
// A document's identity in its collection. For a file it is the path relative to the working
// directory when the file lies under it (so a project's store is the same wherever the
// project is checked out), else the absolute path; always lexically normalised with '/'.
#include <filesystem>
#include <string>

namespace strata::ingest {

std::filesystem::path absolute_path(const std::filesystem::path& path);
std::string source_id(const std::filesystem::path& path, const std::filesystem::path& working_dir);

}  // namespace strata::ingest
