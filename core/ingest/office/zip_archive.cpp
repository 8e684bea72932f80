#include "ingest/office/zip_archive.h"

#include <zip.h>

#include <algorithm>
#include <cctype>
#include <memory>

#include "ingest/office/office_error.h"

namespace strata::ingest::office {
namespace {

std::string mib(std::uint64_t bytes) { return std::to_string(bytes >> 20) + " MiB"; }

// As gzip's cap (ingest/gzip.h): past a floor, an archive may inflate to at most this many bytes
// per byte of the archive. The absolute caps alone let a 236 KB .pptx of repeated text become
// 240 MB of slides, 240,000 chunks and a minute of work; real documents compress their XML 5 to
// 30 times, and their images not at all.
constexpr std::uint64_t k_max_ratio = 200;
constexpr std::uint64_t k_ratio_floor = std::uint64_t{8} << 20;

// libzip's messages start with a capital ("Zip archive inconsistent"); ours continue a sentence.
std::string lowered(const char* message) {
  std::string s = message != nullptr ? message : "unknown error";
  if (!s.empty() && s.size() > 1 && std::islower(static_cast<unsigned char>(s[1])) != 0) {
    s[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(s[0])));
  }
  return s;
}

class ZipError {
 public:
  ZipError() { zip_error_init(&error_); }
  ~ZipError() { zip_error_fini(&error_); }
  ZipError(const ZipError&) = delete;
  ZipError& operator=(const ZipError&) = delete;
  zip_error_t* get() { return &error_; }
  int code() const { return zip_error_code_zip(&error_); }
  std::string text() { return lowered(zip_error_strerror(&error_)); }

 private:
  zip_error_t error_{};
};

struct FileCloser {
  void operator()(zip_file_t* f) const { zip_fclose(f); }
};

std::string without_leading_slash(std::string_view name) {
  while (!name.empty() && name.front() == '/') name.remove_prefix(1);
  return std::string(name);
}

}  // namespace

ZipArchive::ZipArchive(std::string_view bytes, const OfficeLimits& limits)
    : limits_(limits), archive_bytes_(bytes.size()),
      ratio_cap_(std::max<std::uint64_t>(k_ratio_floor, std::uint64_t{bytes.size()} * k_max_ratio)) {
  ZipError error;
  zip_source_t* source = zip_source_buffer_create(bytes.data(), bytes.size(), 0, error.get());
  if (source == nullptr) throw OfficeError("cannot read the zip archive: " + error.text());
  zip_ = zip_open_from_source(source, ZIP_RDONLY, error.get());
  if (zip_ == nullptr) {
    zip_source_free(source);  // on failure the source still belongs to us
    if (error.code() == ZIP_ER_NOZIP) {
      // A zip's directory is at its end: a file that starts like one but has none was cut short.
      if (bytes.substr(0, 4) == "PK\3\4") throw OfficeError("damaged zip archive: no central directory (truncated?)");
      throw OfficeError("not a zip archive");
    }
    throw OfficeError("damaged zip archive: " + error.text());
  }
  const zip_int64_t entries = zip_get_num_entries(zip_, 0);
  if (entries < 0 || static_cast<std::uint64_t>(entries) > limits_.max_entries) {
    zip_discard(zip_);
    zip_ = nullptr;
    throw OfficeError("zip archive of " + std::to_string(entries) + " entries (more than " +
                      std::to_string(limits_.max_entries) + ")");
  }
}

ZipArchive::~ZipArchive() {
  if (zip_ != nullptr) zip_discard(zip_);  // read-only: nothing to write back
}

std::optional<std::uint64_t> ZipArchive::locate(std::string_view name) const {
  const std::string wanted = without_leading_slash(name);
  zip_int64_t index = zip_name_locate(zip_, wanted.c_str(), 0);
  if (index < 0) index = zip_name_locate(zip_, wanted.c_str(), ZIP_FL_NOCASE);
  if (index < 0) return std::nullopt;
  return static_cast<std::uint64_t>(index);
}

bool ZipArchive::contains(std::string_view name) const { return locate(name).has_value(); }

std::string ZipArchive::read(std::string_view name) {
  const auto index = locate(name);
  if (!index) throw OfficeError("missing " + without_leading_slash(name));
  return read_index(*index, without_leading_slash(name));
}

std::optional<std::string> ZipArchive::read_if_present(std::string_view name) {
  const auto index = locate(name);
  if (!index) return std::nullopt;
  return read_index(*index, without_leading_slash(name));
}

std::string ZipArchive::read_index(std::uint64_t index, std::string_view name) {
  const std::string label(name);
  const auto too_large = [&] {
    return OfficeError(label + " is larger than " + mib(limits_.max_entry_bytes) + " uncompressed (zip bomb?)");
  };
  const auto too_inflated = [&] {
    return OfficeError("zip archive expands more than " + std::to_string(k_max_ratio) + " times (" +
                       std::to_string(archive_bytes_ >> 10) + " KiB to over " + mib(ratio_cap_) + ") at " + label +
                       " (zip bomb?)");
  };
  const auto too_much = [&] {
    return OfficeError("more than " + mib(limits_.max_total_bytes) + " uncompressed in all (zip bomb?) at " + label);
  };
  zip_stat_t st;
  zip_stat_init(&st);
  if (zip_stat_index(zip_, index, 0, &st) == 0) {
    if ((st.valid & ZIP_STAT_ENCRYPTION_METHOD) != 0 && st.encryption_method != ZIP_EM_NONE) {
      throw OfficeError(label + " is encrypted (password-protected documents are not supported)");
    }
    // The header's claim, checked first so that an honest bomb costs nothing; the bytes read
    // are checked below whatever the header says.
    if ((st.valid & ZIP_STAT_SIZE) != 0) {
      if (st.size > limits_.max_entry_bytes) throw too_large();
      if (total_read_ + st.size > limits_.max_total_bytes) throw too_much();
      if (total_read_ + st.size > ratio_cap_) throw too_inflated();
    }
  }
  const std::unique_ptr<zip_file_t, FileCloser> file(zip_fopen_index(zip_, index, 0));
  if (!file) throw OfficeError(label + ": " + lowered(zip_strerror(zip_)));
  std::string out;
  if ((st.valid & ZIP_STAT_SIZE) != 0) out.reserve(static_cast<std::size_t>(std::min<std::uint64_t>(st.size, 1U << 20)));
  char buffer[65536];
  for (;;) {
    const zip_int64_t n = zip_fread(file.get(), buffer, sizeof buffer);
    if (n < 0) throw OfficeError(label + ": " + lowered(zip_file_strerror(file.get())));
    if (n == 0) break;
    const auto got = static_cast<std::uint64_t>(n);
    if (out.size() + got > limits_.max_entry_bytes) throw too_large();
    if (total_read_ + got > limits_.max_total_bytes) throw too_much();
    if (total_read_ + got > ratio_cap_) throw too_inflated();
    total_read_ += got;
    out.append(buffer, static_cast<std::size_t>(got));
  }
  return out;
}

}  // namespace strata::ingest::office
