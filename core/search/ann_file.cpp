// A saved approximate index (AnnIndex::save / load, declared in ann_index.h).
//
// `<id>.ann`, native byte order, checked by a marker:
//   header (128 bytes): magic "STRATAAN", version, byte-order marker, collection id, generation,
//     the model's dimensions, rows, nodes, dims, links, build breadth (both 0 for the codes), the
//     strings' bytes, the index file's size and checksum, the checksum of this file (computed
//     with it 0), and the kind (0 the graph, 1 the codes: the reserved bytes of files written
//     before the codes were, so those read as graphs);
//   strings: store id, embedding provider, embedding model (u32 length + bytes each);
//   node_start (nodes + 1 u32), node_rows (rows u32): AnnIndex's grouping of equal vectors.
// The index file: `<id>.hnsw`, hnswlib 0.6.2's saveIndex, read back by its loadIndex; or
// `<id>.bits`, the codes (AnnCodes::write_to / read_from).
//
// The folder is the store's derived folder, which for a file store sits in the project: a
// repository can plant files there. So a file is written only through a name created
// exclusively (mkstemp) and read only from a regular file opened once (hnswlib reads it through
// /proc/self/fd, the same file), and a loaded graph is checked before any search walks it:
// hnswlib's loadIndex trusts the sizes and links it reads.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <exception>
#include <filesystem>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "common/subprocess.h"
#include "search/ann_codes.h"
#include "search/ann_graph.h"
#include "search/ann_index.h"
#include "search/derived_file.h"

namespace strata::search {
namespace {

using process::Fd;

constexpr char kAnnMagic[8] = {'S', 'T', 'R', 'A', 'T', 'A', 'A', 'N'};
constexpr std::uint32_t kAnnVersion = 1;
constexpr std::uint32_t kAnnByteOrder = 0x01020304;
constexpr std::uint64_t kMaxStrings = 64 * 1024;
constexpr int kMaxLevel = 64;  // ann_index.cpp draws no level above it
constexpr std::uint32_t kGraphFile = 0, kCodesFile = 1;  // AnnFileHeader::kind

struct AnnFileHeader {
  char magic[8];
  std::uint32_t version;
  std::uint32_t byte_order;
  std::int64_t collection_id;
  std::int64_t generation;
  std::int64_t model_dims;
  std::uint64_t rows, nodes, dims, links, build_breadth;
  std::uint64_t strings_bytes;
  std::uint64_t graph_bytes, graph_checksum;
  std::uint64_t checksum;  // computed with this field 0
  std::uint32_t kind;      // kGraphFile or kCodesFile
  unsigned char reserved[128 - 116];
};
static_assert(sizeof(AnnFileHeader) == 128);
static_assert(std::is_trivially_copyable_v<AnnFileHeader>);

// The fields hnswlib's saveIndex writes first (writeBinaryPOD: no padding), in its order.
struct GraphHeader {
  std::uint64_t offset_level0, max_elements, cur_element_count, size_data_per_element, label_offset, offset_data;
  std::int32_t maxlevel;
  std::uint32_t enterpoint;
  std::uint64_t max_m, max_m0, m;
  double mult;
  std::uint64_t ef_construction;
};
constexpr std::size_t kGraphHeaderBytes = 6 * 8 + 4 + 4 + 3 * 8 + 8 + 8;

// The index file beside `meta_path`: the graph's or the codes'.
std::string index_file(const std::string& meta_path, AnnKind kind) {
  const std::string stem = meta_path.size() > 4 && meta_path.ends_with(".ann") ? meta_path.substr(0, meta_path.size() - 4)
                                                                               : meta_path;
  return stem + (kind == AnnKind::hnsw ? ".hnsw" : ".bits");
}

// The path through which another open() reaches the file `fd` already names.
std::string fd_path(int fd) { return "/proc/self/fd/" + std::to_string(fd); }

// The size and checksum of the whole file `fd`, read from its start.
bool checksum_file(int fd, std::uint64_t size, std::uint64_t& checksum) {
  FileChecksum c;
  std::vector<char> block(std::size_t{4} << 20);
  for (std::uint64_t at = 0; at < size;) {
    const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(block.size(), size - at));
    if (!read_whole(fd, block.data(), n, static_cast<off_t>(at))) return false;
    c.add(block.data(), n);
    at += n;
  }
  checksum = c.value();
  return true;
}

GraphHeader read_graph_header(const unsigned char* p) {
  GraphHeader h{};
  const auto take = [&p](auto& field) {
    std::memcpy(&field, p, sizeof field);
    p += sizeof field;
  };
  take(h.offset_level0);
  take(h.max_elements);
  take(h.cur_element_count);
  take(h.size_data_per_element);
  take(h.label_offset);
  take(h.offset_data);
  take(h.maxlevel);
  take(h.enterpoint);
  take(h.max_m);
  take(h.max_m0);
  take(h.m);
  take(h.mult);
  take(h.ef_construction);
  return h;
}

// Whether a saved graph's first fields are those of a graph of `nodes` nodes built with these
// dims, links and breadth: hnswlib's loadIndex allocates and reads by them.
bool graph_header_fits(const GraphHeader& h, const AnnGraph& fresh, std::size_t nodes) {
  return h.offset_level0 == fresh.offsetLevel0_ && h.max_elements == std::max<std::size_t>(nodes, 1) &&
         h.cur_element_count == nodes && h.size_data_per_element == fresh.size_data_per_element_ &&
         h.label_offset == fresh.label_offset_ && h.offset_data == fresh.offsetData_ && h.max_m == fresh.maxM_ &&
         h.max_m0 == fresh.maxM0_ && h.m == fresh.M_ && std::memcmp(&h.mult, &fresh.mult_, sizeof h.mult) == 0 &&
         h.ef_construction == fresh.ef_construction_ && h.maxlevel >= 0 && h.maxlevel <= kMaxLevel &&
         h.enterpoint < nodes;
}

// Whether every link of the loaded graph names one of its nodes on a level that node has, no
// node is marked deleted, each node's label is its own, and the entry point is on the top
// level: what a search relies on when it follows links without checking them.
bool graph_is_sound(const AnnGraph& g, std::size_t nodes) {
  using hnswlib::tableint;
  if (g.cur_element_count != nodes || g.label_lookup_.size() != nodes) return false;
  if (g.maxlevel_ < 0 || g.maxlevel_ > kMaxLevel || g.enterpoint_node_ >= nodes ||
      g.element_levels_[g.enterpoint_node_] != g.maxlevel_) {
    return false;
  }
  const auto list_ok = [&](hnswlib::linklistsizeint* list, std::size_t most, int level) {
    const std::size_t count = g.getListCount(list);
    if (count > most) return false;
    const auto* ids = reinterpret_cast<const tableint*>(list + 1);
    for (std::size_t i = 0; i < count; ++i) {
      if (ids[i] >= nodes || g.element_levels_[ids[i]] < level) return false;
    }
    return true;
  };
  for (tableint i = 0; i < nodes; ++i) {
    if (g.isMarkedDeleted(i) || g.getExternalLabel(i) >= nodes) return false;
    const int levels = g.element_levels_[i];
    if (levels < 0 || levels > g.maxlevel_) return false;
    if (!list_ok(g.get_linklist0(i), g.maxM0_, 0)) return false;
    for (int l = 1; l <= levels; ++l) {
      if (!list_ok(g.get_linklist(i, l), g.maxM_, l)) return false;
    }
  }
  return true;
}

}  // namespace

std::string AnnIndex::saved_file(const std::string& folder, std::int64_t collection_id) {
  if (folder.empty()) return {};
  return folder + "/" + std::to_string(collection_id) + ".ann";
}

bool AnnIndex::save(const std::string& meta_path, const AnnKey& key, const AnnSettings& settings) const noexcept {
  if (meta_path.empty() || (!codes_ && (!graph_ || !graph_->hnsw))) return false;
  const std::string index_path = index_file(meta_path, kind());
  std::string index_tmp, meta_tmp;
  try {
    const std::filesystem::path meta_file(meta_path);
    const std::string dir = meta_file.parent_path().string();
    remove_abandoned_temporaries(dir, meta_file.filename().string());
    remove_abandoned_temporaries(dir, std::filesystem::path(index_path).filename().string());
    AnnFileHeader h;
    std::memset(&h, 0, sizeof h);
    {
      Fd fd(create_beside(index_path, index_tmp));
      if (fd.get() < 0) return false;
      if (codes_) {
        if (!codes_->write_to(fd.get())) throw std::exception();
        h.graph_bytes = AnnCodes::file_bytes(codes_->nodes(), dims_);
        h.kind = kCodesFile;
      } else {
        // hnswlib writes through its own stream, opened on the file just made.
        graph_->hnsw->saveIndex(fd_path(fd.get()));
        // hnswlib's stream reports no error (a full disk leaves a short file): the size it must have.
        const AnnGraph& g = *graph_->hnsw;
        std::uint64_t expected = kGraphHeaderBytes + g.cur_element_count * g.size_data_per_element_;
        for (std::size_t i = 0; i < g.cur_element_count; ++i) {
          expected += sizeof(unsigned int) +
                      (g.element_levels_[i] > 0 ? g.size_links_per_element_ * static_cast<std::size_t>(g.element_levels_[i]) : 0);
        }
        struct stat st {};
        if (::fstat(fd.get(), &st) != 0 || static_cast<std::uint64_t>(st.st_size) != expected) throw std::exception();
        h.graph_bytes = static_cast<std::uint64_t>(st.st_size);
        h.kind = kGraphFile;
      }
      if (!checksum_file(fd.get(), h.graph_bytes, h.graph_checksum)) throw std::exception();
      if (::close(fd.release()) != 0) throw std::exception();
    }
    const std::string strings = key_strings(key.fingerprint, key.model);
    std::memcpy(h.magic, kAnnMagic, sizeof kAnnMagic);
    h.version = kAnnVersion;
    h.byte_order = kAnnByteOrder;
    h.collection_id = key.collection_id;
    h.generation = key.fingerprint.generation;
    h.model_dims = key.model.dimensions;
    h.rows = rows_;
    h.nodes = nodes();
    h.dims = dims_;
    h.links = codes_ ? 0 : settings.links;
    h.build_breadth = codes_ ? 0 : settings.build_breadth;
    h.strings_bytes = strings.size();
    FileChecksum c;
    c.add(&h, sizeof h);
    c.add(strings.data(), strings.size());
    c.add(node_start_.data(), node_start_.size() * sizeof(std::uint32_t));
    c.add(node_rows_.data(), node_rows_.size() * sizeof(std::uint32_t));
    h.checksum = c.value();
    {
      Fd fd(create_beside(meta_path, meta_tmp));
      if (fd.get() < 0) throw std::exception();
      if (!write_whole(fd.get(), &h, sizeof h) || !write_whole(fd.get(), strings.data(), strings.size()) ||
          !write_whole(fd.get(), node_start_.data(), node_start_.size() * sizeof(std::uint32_t)) ||
          !write_whole(fd.get(), node_rows_.data(), node_rows_.size() * sizeof(std::uint32_t)) ||
          ::close(fd.release()) != 0) {
        throw std::exception();
      }
    }
    // The graph first: a reader that finds the new graph beside the old description finds its
    // checksum wrong and builds, never loads a graph for another key.
    if (::rename(index_tmp.c_str(), index_path.c_str()) != 0) throw std::exception();
    index_tmp.clear();
    if (::rename(meta_tmp.c_str(), meta_path.c_str()) != 0) throw std::exception();
    return true;
  } catch (...) {
  }
  if (!index_tmp.empty()) ::unlink(index_tmp.c_str());
  if (!meta_tmp.empty()) ::unlink(meta_tmp.c_str());
  return false;
}

std::unique_ptr<AnnIndex> AnnIndex::load(const std::string& meta_path, const AnnKey& key, const VectorIndex& vectors,
                                         const AnnSettings& settings) noexcept {
  if (meta_path.empty() || key.rows != vectors.rows() || vectors.rows() == 0) return nullptr;
  const bool codes = settings.kind == AnnKind::rabitq;
  try {
    // The description: its key, shape and the nodes' rows.
    std::uint64_t meta_size = 0;
    const Fd meta(open_regular(meta_path, meta_size));
    if (meta.get() < 0 || meta_size < sizeof(AnnFileHeader)) return nullptr;
    AnnFileHeader h;
    if (!read_whole(meta.get(), &h, sizeof h, 0)) return nullptr;
    if (std::memcmp(h.magic, kAnnMagic, sizeof kAnnMagic) != 0 || h.version != kAnnVersion || h.byte_order != kAnnByteOrder ||
        h.collection_id != key.collection_id || h.generation != key.fingerprint.generation ||
        h.model_dims != key.model.dimensions || h.rows != vectors.rows() || h.dims != vectors.dims() ||
        h.kind != (codes ? kCodesFile : kGraphFile) || h.links != (codes ? 0 : settings.links) ||
        h.build_breadth != (codes ? 0 : settings.build_breadth) || h.nodes == 0 || h.nodes > h.rows ||
        h.strings_bytes > kMaxStrings ||
        meta_size != sizeof(AnnFileHeader) + h.strings_bytes + (h.nodes + 1 + h.rows) * sizeof(std::uint32_t)) {
      return nullptr;
    }
    const std::string strings = key_strings(key.fingerprint, key.model);
    std::string saved_strings(h.strings_bytes, '\0');
    std::unique_ptr<AnnIndex> out(new AnnIndex());
    out->node_start_.resize(h.nodes + 1);
    out->node_rows_.resize(h.rows);
    off_t at = sizeof h;
    if (!read_whole(meta.get(), saved_strings.data(), saved_strings.size(), at)) return nullptr;
    at += static_cast<off_t>(saved_strings.size());
    if (!read_whole(meta.get(), out->node_start_.data(), out->node_start_.size() * sizeof(std::uint32_t), at)) return nullptr;
    at += static_cast<off_t>(out->node_start_.size() * sizeof(std::uint32_t));
    if (!read_whole(meta.get(), out->node_rows_.data(), out->node_rows_.size() * sizeof(std::uint32_t), at)) return nullptr;
    if (saved_strings != strings) return nullptr;
    AnnFileHeader zeroed = h;
    zeroed.checksum = 0;
    FileChecksum c;
    c.add(&zeroed, sizeof zeroed);
    c.add(saved_strings.data(), saved_strings.size());
    c.add(out->node_start_.data(), out->node_start_.size() * sizeof(std::uint32_t));
    c.add(out->node_rows_.data(), out->node_rows_.size() * sizeof(std::uint32_t));
    if (c.value() != h.checksum) return nullptr;
    // Every row in exactly one node, ascending within it.
    const std::size_t nodes = h.nodes, rows = h.rows;
    if (out->node_start_[0] != 0 || out->node_start_[nodes] != rows) return nullptr;
    std::vector<bool> seen(rows, false);
    for (std::size_t n = 0; n < nodes; ++n) {
      if (out->node_start_[n + 1] <= out->node_start_[n] || out->node_start_[n + 1] > rows) return nullptr;
      for (std::uint32_t i = out->node_start_[n]; i < out->node_start_[n + 1]; ++i) {
        const std::uint32_t r = out->node_rows_[i];
        if (r >= rows || seen[r] || (i > out->node_start_[n] && r <= out->node_rows_[i - 1])) return nullptr;
        seen[r] = true;
      }
    }

    if (codes) {
      // The codes: whole (size, checksum) and sound.
      std::uint64_t size = 0;
      const Fd file(open_regular(index_file(meta_path, AnnKind::rabitq), size));
      std::uint64_t sum = 0;
      if (file.get() < 0 || size != h.graph_bytes || size != AnnCodes::file_bytes(nodes, vectors.dims()) ||
          !checksum_file(file.get(), size, sum) || sum != h.graph_checksum) {
        return nullptr;
      }
      out->codes_ = AnnCodes::read_from(file.get(), nodes, vectors.dims());
      // A sample of the codes made again from their vectors (as the graph's are compared).
      if (!out->codes_ || !out->codes_->codes_of(vectors, out->first_rows(), std::max<std::size_t>(1, nodes / 1024))) {
        return nullptr;
      }
      out->rows_ = rows;
      out->dims_ = vectors.dims();
      out->bytes_ = estimated_bytes(settings, rows, nodes, out->dims_);
      out->loaded_ = true;
      return out;
    }
    // The graph: whole, and shaped as a graph of these nodes built with these settings.
    std::uint64_t graph_size = 0;
    const Fd graph(open_regular(index_file(meta_path, AnnKind::hnsw), graph_size));
    if (graph.get() < 0 || graph_size != h.graph_bytes || graph_size < kGraphHeaderBytes) return nullptr;
    std::uint64_t sum = 0;
    if (!checksum_file(graph.get(), graph_size, sum) || sum != h.graph_checksum) return nullptr;
    std::array<unsigned char, kGraphHeaderBytes> head{};
    if (!read_whole(graph.get(), head.data(), head.size(), 0)) return nullptr;
    out->graph_ = std::make_unique<Graph>(vectors.dims());
    {
      const AnnGraph fresh(&out->graph_->space, 1, settings.links, settings.build_breadth, 100);
      if (!graph_header_fits(read_graph_header(head.data()), fresh, nodes)) return nullptr;
    }
    out->graph_->hnsw = std::make_unique<AnnGraph>(&out->graph_->space);
    AnnGraph& g = *out->graph_->hnsw;
    try {
      g.loadIndex(fd_path(graph.get()), &out->graph_->space, nodes);
    } catch (...) {
      // A loadIndex stopped early leaves levels for fewer nodes than it counted: hnswlib's
      // destructor would read past them.
      if (g.element_levels_.size() < g.cur_element_count) g.cur_element_count = 0;
      return nullptr;
    }
    if (!graph_is_sound(g, nodes)) return nullptr;
    // Each node's vector is its first row's (a sample: the key already names the vectors).
    const std::size_t bytes = vectors.dims() * sizeof(float);
    for (std::size_t n = 0; n < nodes; n += std::max<std::size_t>(1, nodes / 1024)) {
      const hnswlib::tableint internal = g.label_lookup_.at(n);
      if (std::memcmp(g.getDataByInternalId(internal), vectors.row(out->node_rows_[out->node_start_[n]]).data(), bytes) != 0) {
        return nullptr;
      }
    }
    out->rows_ = rows;
    out->dims_ = vectors.dims();
    out->bytes_ = estimated_bytes(rows, nodes, out->dims_, settings.links);
    out->loaded_ = true;
    return out;
  } catch (...) {
    return nullptr;
  }
}

}  // namespace strata::search
