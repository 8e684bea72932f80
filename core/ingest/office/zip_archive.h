#pragma once
// A zip archive in memory, read with libzip: entries looked up by name and read whole, within
// the caps of OfficeLimits and of a ratio to the archive's size (past 8 MiB, 200 bytes per byte). The caps count the bytes actually inflated, so an entry whose header
// understates its size (a zip bomb) is stopped at the cap all the same.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "ingest/office_abi.h"

struct zip;

namespace strata::ingest::office {

class ZipArchive {
 public:
  // Opens `bytes` (not copied: they must outlive the archive). Throws OfficeError "not a zip
  // archive", "damaged zip archive: <libzip's reason>" or "<n> entries (more than <cap>)".
  ZipArchive(std::string_view bytes, const OfficeLimits& limits);
  ~ZipArchive();
  ZipArchive(const ZipArchive&) = delete;
  ZipArchive& operator=(const ZipArchive&) = delete;

  // Whether an entry has this name: exactly, else ignoring case (OPC part names are
  // case-insensitive). A leading '/' is ignored.
  bool contains(std::string_view name) const;

  // The entry's bytes. Throws OfficeError naming the entry when it is missing, encrypted,
  // damaged (bad CRC, truncated, unsupported compression), larger than max_entry_bytes, or would
  // take the bytes read from this archive past max_total_bytes.
  std::string read(std::string_view name);
  // The same, but nullopt when there is no such entry.
  std::optional<std::string> read_if_present(std::string_view name);

 private:
  std::optional<std::uint64_t> locate(std::string_view name) const;
  std::string read_index(std::uint64_t index, std::string_view name);

  struct zip* zip_ = nullptr;
  OfficeLimits limits_;
  std::uint64_t archive_bytes_ = 0;
  std::uint64_t ratio_cap_ = 0;  // bytes the whole archive may inflate to (zip_archive.cpp)
  std::uint64_t total_read_ = 0;
};

}  // namespace strata::ingest::office
