#include "search/vector_snapshot.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <limits>
#include <type_traits>

#include "common/atomic_file.h"
#include "search/derived_file.h"

namespace strata::search {
namespace {

constexpr char kMagic[8] = {'S', 'T', 'R', 'A', 'T', 'A', 'V', 'X'};
constexpr std::uint32_t kVersion = 1;
constexpr std::uint32_t kByteOrder = 0x01020304;
constexpr std::uint64_t kAlign = 64;

enum Section : std::size_t { strings, ids, matrix, codes, scale, residual_bound, code_norm, section_count };

struct SectionRef {
  std::uint64_t offset, bytes;
};

struct Header {
  char magic[8];
  std::uint32_t version;
  std::uint32_t byte_order;
  std::uint64_t file_size;
  std::int64_t collection_id;
  std::int64_t generation;
  std::uint64_t rows;
  std::uint64_t dims;
  std::uint32_t prepass;  // 0 none, 1 int8
  std::uint32_t reserved0;
  std::uint64_t checksum;  // computed with this field 0
  SectionRef sections[section_count];
  unsigned char reserved[256 - 72 - 16 * section_count];
};
static_assert(sizeof(Header) == 256);
static_assert(std::is_trivially_copyable_v<Header>);

std::uint64_t align_up(std::uint64_t v) { return (v + kAlign - 1) & ~(kAlign - 1); }

template <typename T>
std::span<const unsigned char> bytes_of(std::span<const T> s) {
  return {reinterpret_cast<const unsigned char*>(s.data()), s.size_bytes()};
}

std::uint64_t checksum_of(Header h, const std::array<std::span<const unsigned char>, section_count>& data) {
  h.checksum = 0;
  FileChecksum c;
  c.add(&h, sizeof h);
  for (const Section s : {strings, ids, scale, residual_bound, code_norm}) c.add(data[s].data(), data[s].size());
  return c.value();
}

class Mapping {
 public:
  Mapping(void* base, std::size_t size) : base_(base), size_(size) {}
  ~Mapping() { ::munmap(base_, size_); }
  Mapping(const Mapping&) = delete;
  Mapping& operator=(const Mapping&) = delete;
  const unsigned char* data() const { return static_cast<const unsigned char*>(base_); }
  std::size_t size() const { return size_; }

 private:
  void* base_;
  std::size_t size_;
};

}  // namespace

store::CollectionVectors load_collection_matrix(store::Store& store, std::int64_t collection_id,
                                                const store::EmbeddingModel& model) {
  return store::load_vectors(store, collection_id, static_cast<std::size_t>(model.dimensions));
}

std::string snapshot_file(const std::string& folder, std::int64_t collection_id) {
  if (folder.empty()) return {};
  return folder + "/" + std::to_string(collection_id) + ".bin";
}

std::optional<CollectionIndex> read_snapshot(const std::string& path, const SnapshotKey& key) {
  if (path.empty() || key.fingerprint.store_id.empty() || key.model.dimensions <= 0) return std::nullopt;
  try {
    std::uint64_t file_size = 0;
    const int fd = open_regular(path, file_size);
    if (fd < 0) return std::nullopt;
    if (file_size < sizeof(Header)) {
      ::close(fd);
      return std::nullopt;
    }
    const auto size = static_cast<std::size_t>(file_size);
    void* base = ::mmap(nullptr, size, PROT_READ, MAP_SHARED, fd, 0);
    ::close(fd);
    if (base == MAP_FAILED) return std::nullopt;
    auto mapping = std::make_shared<const Mapping>(base, size);
    const unsigned char* file = mapping->data();

    Header h;
    std::memcpy(&h, file, sizeof h);
    if (std::memcmp(h.magic, kMagic, sizeof kMagic) != 0 || h.version != kVersion || h.byte_order != kByteOrder ||
        h.file_size != size) {
      return std::nullopt;
    }
    // The key first (cheap, and the usual reason to reject a well-formed file).
    if (h.collection_id != key.collection_id || h.generation != key.fingerprint.generation ||
        h.dims != static_cast<std::uint64_t>(key.model.dimensions) || h.prepass > 1 || h.dims == 0) {
      return std::nullopt;
    }
    // Section bounds and sizes.
    const std::uint64_t rows = h.rows, dims = h.dims;
    if (rows > size / 8 || dims > size) return std::nullopt;  // keeps the products below in range
    if (rows != 0 && dims > (std::numeric_limits<std::uint64_t>::max() / 4) / rows) return std::nullopt;
    const bool int8 = h.prepass == 1;
    const std::uint64_t values = rows * dims;
    const std::uint64_t expected[section_count] = {
        h.sections[strings].bytes, rows * 8, values * 4, int8 ? values : 0, int8 ? rows * 4 : 0,
        int8 ? rows * 4 : 0,       int8 ? rows * 4 : 0};
    std::array<std::span<const unsigned char>, section_count> data;
    for (std::size_t s = 0; s < section_count; ++s) {
      const SectionRef& r = h.sections[s];
      if (r.bytes != expected[s] || r.offset % kAlign != 0 || r.offset < sizeof(Header) || r.offset > size ||
          r.bytes > size - r.offset) {
        return std::nullopt;
      }
      data[s] = {file + r.offset, static_cast<std::size_t>(r.bytes)};
    }
    if (checksum_of(h, data) != h.checksum) return std::nullopt;
    if (data[strings].size() > (std::size_t{1} << 20) || key_strings(key.fingerprint, key.model) != std::string(
            reinterpret_cast<const char*>(data[strings].data()), data[strings].size())) {
      return std::nullopt;
    }

    CollectionIndex out;
    out.fingerprint = key.fingerprint;
    out.chunk_ids.resize(static_cast<std::size_t>(rows));
    if (rows > 0) std::memcpy(out.chunk_ids.data(), data[ids].data(), data[ids].size());
    for (std::size_t i = 1; i < out.chunk_ids.size(); ++i) {
      if (out.chunk_ids[i - 1] >= out.chunk_ids[i]) return std::nullopt;
    }
    // The codes are read in full by every int8 search: ask for them to be paged in ahead.
    if (int8 && !data[codes].empty()) {
      const auto begin = reinterpret_cast<std::uintptr_t>(data[codes].data()) & ~std::uintptr_t{4095};
      ::madvise(reinterpret_cast<void*>(begin),
                reinterpret_cast<std::uintptr_t>(data[codes].data()) + data[codes].size() - begin, MADV_WILLNEED);
    }
    auto as_floats = [&](Section s) {
      return std::span<const float>(reinterpret_cast<const float*>(data[s].data()), data[s].size() / 4);
    };
    VectorIndexParts parts;
    parts.rows = static_cast<std::size_t>(rows);
    parts.dims = static_cast<std::size_t>(dims);
    parts.prepass = int8 ? Prepass::int8 : Prepass::none;
    parts.matrix = as_floats(matrix);
    parts.codes = {reinterpret_cast<const std::int8_t*>(data[codes].data()), data[codes].size()};
    parts.scale = as_floats(scale);
    parts.residual_bound = as_floats(residual_bound);
    parts.code_norm = as_floats(code_norm);
    out.index = std::make_unique<VectorIndex>(VectorIndex::adopt(std::move(mapping), parts));
    out.from_snapshot = true;
    return out;
  } catch (...) {  // bad_alloc, or shapes VectorIndex::adopt refuses: not a usable snapshot
    return std::nullopt;
  }
}

bool write_snapshot(const std::string& path, const SnapshotKey& key, std::span<const std::int64_t> chunk_ids,
                    const VectorIndex& index) noexcept {
  if (path.empty() || key.fingerprint.store_id.empty() || chunk_ids.size() != index.rows()) return false;
  std::string tmp;
  int fd = -1;
  try {
    const std::size_t slash = path.rfind('/');
    const std::string dir = slash == std::string::npos ? std::string(".") : path.substr(0, slash);
    if (::mkdir(dir.c_str(), 0777) != 0 && errno != EEXIST) return false;
    remove_abandoned_temporaries(dir, path.substr(slash == std::string::npos ? 0 : slash + 1));

    const VectorIndexParts parts = index.parts();
    const std::string names = key_strings(key.fingerprint, key.model);
    std::array<std::span<const unsigned char>, section_count> data;
    data[strings] = {reinterpret_cast<const unsigned char*>(names.data()), names.size()};
    data[ids] = bytes_of(chunk_ids);
    data[matrix] = bytes_of(parts.matrix);
    data[codes] = bytes_of(parts.codes);
    data[scale] = bytes_of(parts.scale);
    data[residual_bound] = bytes_of(parts.residual_bound);
    data[code_norm] = bytes_of(parts.code_norm);

    Header h;
    std::memset(&h, 0, sizeof h);
    std::memcpy(h.magic, kMagic, sizeof kMagic);
    h.version = kVersion;
    h.byte_order = kByteOrder;
    h.collection_id = key.collection_id;
    h.generation = key.fingerprint.generation;
    h.rows = parts.rows;
    h.dims = parts.dims;
    h.prepass = parts.prepass == Prepass::int8 ? 1 : 0;
    std::uint64_t offset = align_up(sizeof(Header));
    for (std::size_t s = 0; s < section_count; ++s) {
      h.sections[s] = {offset, data[s].size()};
      offset = align_up(offset + data[s].size());
    }
    h.file_size = offset;
    h.checksum = checksum_of(h, data);

    fd = create_beside(path, tmp);
    if (fd < 0) return false;
    static const unsigned char zeros[kAlign] = {};
    bool ok = write_whole(fd, &h, sizeof h);
    std::uint64_t at = sizeof h;
    for (std::size_t s = 0; ok && s < section_count; ++s) {
      ok = write_whole(fd, zeros, h.sections[s].offset - at) && write_whole(fd, data[s].data(), data[s].size());
      at = h.sections[s].offset + data[s].size();
    }
    ok = ok && write_whole(fd, zeros, h.file_size - at);
    ok = ::close(fd) == 0 && ok;
    fd = -1;
    if (ok && ::rename(tmp.c_str(), path.c_str()) == 0) return true;
  } catch (...) {
  }
  if (fd >= 0) ::close(fd);
  if (!tmp.empty()) ::unlink(tmp.c_str());
  return false;
}

CollectionIndex load_collection_index(store::Store& store, std::int64_t collection_id,
                                      const store::EmbeddingModel& model, bool use_snapshot) {
  // Where the store keeps its snapshots depends on the store (store::derived_folder): beside a
  // file, in the user's cache for a store on a server, named by the store's id.
  if (use_snapshot) {
    const store::VectorFingerprint now = store::vector_fingerprint(store);
    const std::string path = snapshot_file(store::derived_folder(store, now.store_id).path, collection_id);
    if (std::optional<CollectionIndex> snapshot = read_snapshot(path, SnapshotKey{now, collection_id, model})) {
      return std::move(*snapshot);
    }
  }
  store::CollectionVectors m = load_collection_matrix(store, collection_id, model);
  CollectionIndex out;
  out.fingerprint = std::move(m.fingerprint);
  out.chunk_ids = std::move(m.chunk_ids);
  out.index = std::make_unique<VectorIndex>(std::move(m.matrix), m.dims, Prepass::int8);
  const store::DerivedFolder folder = store::derived_folder(store, out.fingerprint.store_id);
  if (folder.path.empty()) return out;
  if (folder.private_to_user) make_private_folders(folder.path);
  write_snapshot(snapshot_file(folder.path, collection_id), SnapshotKey{out.fingerprint, collection_id, model},
                 out.chunk_ids, *out.index);
  return out;
}

}  // namespace strata::search
