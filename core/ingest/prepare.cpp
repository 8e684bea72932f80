#include "ingest/prepare.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "chunk/chunker.h"
#include "common/error.h"
#include "common/sha256.h"
#include "ingest/external_converter.h"
#include "ingest/loader.h"
#include "ingest/loaders.h"

namespace strata::ingest {
namespace {

class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) : fd_(fd) {}
  ~FileDescriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

[[noreturn]] void fail_errno(const std::string& doing) {
  throw Error(ExitCode::invalid_input, doing + ": " + std::strerror(errno));
}

// The whole file in one buffer of its size; a file that grows while read is read to its end.
std::string read_whole_file(const std::string& path) {
  const FileDescriptor fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) fail_errno("cannot open");
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) fail_errno("cannot stat");
  if (S_ISDIR(st.st_mode)) throw Error(ExitCode::invalid_input, "is a directory");
  std::string data(static_cast<std::size_t>(st.st_size > 0 ? st.st_size : 0), '\0');
  std::size_t filled = 0;
  for (;;) {
    if (filled == data.size()) data.resize(data.size() + 65536);
    const ssize_t n = ::read(fd.get(), data.data() + filled, data.size() - filled);
    if (n < 0) {
      if (errno == EINTR) continue;
      fail_errno("cannot read");
    }
    if (n == 0) break;
    filled += static_cast<std::size_t>(n);
  }
  data.resize(filled);
  return data;
}

std::string iso_time(std::int64_t ns) {
  const std::time_t seconds = static_cast<std::time_t>(ns / 1'000'000'000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

bool same_config(const Job& job) {
  // A document without chunks has no configuration to compare; its text is empty either way.
  return !job.stored->config_id || job.stored->config_id == job.config_id;
}

// Whether the stored document was made by this release's version of its loader; if not, its
// text is read again even from unchanged bytes. A --loader or converter that picks another
// loader is caught by the writer, which compares the loader itself (DocumentWriter::put).
bool current_reading(const Job& job) {
  const Loader* stored = find_loader(job.stored->loader);  // nullptr: a loader this release lacks
  return job.stored->loader_version >= (stored != nullptr ? stored->version : 1);
}

bool same_content(const Job& job, const std::string& hash, std::size_t size) {
  return job.stored && current_reading(job) && job.stored->content_hash == hash && static_cast<std::uint64_t>(job.stored->size_bytes) == size &&
         same_config(job) && job.stored->metadata_json == job.metadata_json &&
         (job.title.empty() || job.stored->title == job.title);
}

std::string file_name_of(const Job& job) {
  if (job.read_from.empty()) return job.name;
  return std::filesystem::path(job.read_from).filename().string();
}

void add_chunks(store::DocumentRecord& record, const LoadedDocument& doc, const ChunkSettings& settings,
                DocumentProgress* progress) {
  chunk::ChunkOptions options = options_for(settings, doc.loader);
  if (progress != nullptr) {
    const std::uint64_t total = record.text.size();
    progress->set(DocumentProgress::Stage::chunking, 0, total);
    options.progress = [progress, total](std::size_t done) {
      progress->set(DocumentProgress::Stage::chunking, done, total);
    };
  }
  const std::vector<chunk::Chunk> chunks = chunk::chunk_text(record.text, options);
  record.chunks.reserve(chunks.size());
  for (const chunk::Chunk& c : chunks) {
    store::ChunkRecord r;
    r.start_byte = static_cast<std::int64_t>(c.start);
    r.end_byte = static_cast<std::int64_t>(c.end);
    r.char_start = static_cast<std::int64_t>(c.char_start);
    r.char_end = static_cast<std::int64_t>(c.char_end);
    // Lines cite the source file: the text's own for text and markdown, mapped back for HTML.
    const LineSpan lines = doc.source_lines.empty() ? LineSpan{c.line_start, c.line_end}
                                                    : source_line_span(doc.source_lines, c.start, c.end);
    r.line_start = static_cast<std::int64_t>(lines.first);
    r.line_end = static_cast<std::int64_t>(lines.last);
    r.tokens = static_cast<std::int64_t>(c.tokens);
    r.headings_json = c.headings.empty() ? "[]" : nlohmann::json(c.headings).dump();
    if (!doc.page_starts.empty()) {
      r.page = static_cast<std::int64_t>(page_of(doc.page_starts, c.start));
      r.page_end = static_cast<std::int64_t>(page_of(doc.page_starts, c.end > c.start ? c.end - 1 : c.start));
    }
    record.chunks.push_back(std::move(r));
  }
}

store::ChunkRecord empty_chunk() {
  store::ChunkRecord r;
  r.line_start = r.line_end = 1;
  r.headings_json = "[]";
  return r;
}

std::size_t count_code_points(std::string_view text) {
  std::size_t n = 0;
  for (const char c : text) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
  return n;
}

// The converter's output is read as Markdown (its title from front matter or the first "# "
// heading) by the "converter" loader.
LoadResult converted(const Job& job) {
  const std::string output = run_converter(*job.converter, job.path.value_or(job.read_from), job.converter_limits);
  return load_document(output, "converted.md", LoaderKind::converter);
}

// A preloaded document's result, or what loading it threw (as the loader would have, here).
LoadResult take(PreloadedDocument& preloaded) {
  if (preloaded.error) std::rethrow_exception(preloaded.error);
  return std::move(preloaded.result);
}

Prepared prepare_or_throw(const Job& job, const ChunkSettings& settings) {
  Prepared out;
  out.source = job.source;
  out.existed = job.stored.has_value();
  if (job.stored) out.old_hash = job.stored->content_hash;
  if (job.stored && !current_reading(job)) out.old_reader = job.stored->loader;
  const std::string bytes = job.read_from.empty() ? job.bytes : read_whole_file(job.read_from);
  out.bytes = bytes.size();
  const std::string hash = sha256_hex(bytes);
  if (same_content(job, hash, bytes.size())) {
    out.kind = Prepared::Kind::unchanged;
    return out;
  }
  LoadProgress pages;
  if (job.progress) {
    pages = [progress = job.progress.get()](std::size_t done, std::size_t total) {
      progress->set(DocumentProgress::Stage::reading, done, total);
    };
  }
  LoadResult loaded = job.converter    ? converted(job)
                      : job.preloaded ? take(*job.preloaded)
                                      : load_document(bytes, file_name_of(job), job.forced_loader, pages);
  if (!loaded.document) {
    out.kind = Prepared::Kind::skipped;
    out.reason = loaded.skipped_reason;
    return out;
  }
  LoadedDocument& doc = *loaded.document;
  store::DocumentRecord& r = out.record;
  r.source = job.source;
  r.path = job.path;
  r.title = !job.title.empty() ? job.title : !doc.title.empty() ? doc.title : file_name_of(job);
  r.content_hash = hash;
  r.size_bytes = static_cast<std::int64_t>(bytes.size());
  r.mtime_ns = job.mtime_ns;
  if (job.mtime_ns) r.mtime = iso_time(*job.mtime_ns);
  const Loader& made_by = loader(doc.loader);
  r.loader = std::string(made_by.name);
  r.loader_version = made_by.version;
  r.encoding = doc.encoding;
  out.repaired_bytes = doc.repaired_bytes;
  r.metadata_json = job.metadata_json;
  if (!doc.page_starts.empty()) r.page_count = static_cast<std::int64_t>(doc.page_starts.size());
  r.text = std::move(doc.text);
  r.char_count = static_cast<std::int64_t>(count_code_points(r.text));
  if (job.chunk) {
    add_chunks(r, doc, settings, job.progress.get());
    // A document with a title of its own and no text (a JSONL record with only a title) gets one
    // empty chunk: search returns chunks, and the keyword index holds the title with each chunk.
    if (r.chunks.empty() && (!job.title.empty() || !doc.title.empty())) r.chunks.push_back(empty_chunk());
  }
  out.kind = Prepared::Kind::ready;
  return out;
}

}  // namespace

bool unchanged_by_stat(const Job& job) {
  return job.stored && current_reading(job) && job.stored->mtime_ns && job.mtime_ns && *job.stored->mtime_ns == *job.mtime_ns &&
         static_cast<std::uint64_t>(job.stored->size_bytes) == job.size && same_config(job) &&
         job.stored->metadata_json == job.metadata_json;
}

Prepared prepare(const Job& job, const ChunkSettings& settings) {
  try {
    return prepare_or_throw(job, settings);
  } catch (const Error& e) {
    Prepared out;
    out.source = job.source;
    out.reason = e.what();
    return out;
  } catch (const std::exception& e) {
    Prepared out;
    out.source = job.source;
    out.reason = std::string("internal error: ") + e.what();
    return out;
  }
}

}  // namespace strata::ingest
