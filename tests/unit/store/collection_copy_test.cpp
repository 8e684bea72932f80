// collections copy (store/collection_copy.cpp) reads the source store's rows as data: a row
// strata cannot have written (a chunk's byte range backwards, past its text or a huge number, a
// line or a page out of range, JSON that is not, a vector of the wrong size) stops the copy with
// one Error(invalid_input) naming the store, the collection, the document and the field, before
// anything of that document is written, and never allocates what a number says. The rows are
// written here straight into a SQLite source; tests/e2e/store_postgres.sh does the same to a
// store on a PostgreSQL server, through a role that may write its tables.
#include "store/collection_copy.h"

#include <gtest/gtest.h>

#include <SQLiteCpp/SQLiteCpp.h>
#include <string>
#include <tuple>
#include <vector>

#include "common/error.h"
#include "store/catalog.h"
#include "store/collections.h"
#include "store/document_writer.h"
#include "store/embedding_store.h"
#include "store/search_store.h"
#include "test_util.h"

namespace strata {
namespace {

using store::Store;

constexpr const char* k_copy_config = R"({"size":64})";
const std::string k_copy_text = "First chunk here.\n\nSecond chunk, longer.";  // chunks [0, 17) and [19, 40)

store::DocumentRecord copy_record(const std::string& source) {
  store::DocumentRecord r;
  r.source = source;
  r.title = "Title of " + source;
  r.content_hash = "hash-" + source;
  r.size_bytes = static_cast<std::int64_t>(k_copy_text.size());
  r.loader = "text";
  r.encoding = "utf-8";
  r.char_count = static_cast<std::int64_t>(k_copy_text.size());
  r.text = k_copy_text;
  for (const auto& [start, end, line] : {std::tuple{0, 17, 1}, std::tuple{19, 40, 3}}) {
    store::ChunkRecord c;
    c.start_byte = c.char_start = start;
    c.end_byte = c.char_end = end;
    c.line_start = c.line_end = line;
    c.tokens = 4;
    c.headings_json = "[]";
    r.chunks.push_back(c);
  }
  return r;
}

class CollectionCopyRows : public ::testing::Test {
 protected:
  void SetUp() override {
    Store s = Store::open(source_path());
    store::DocumentWriter w(s, "docs", k_copy_config, true);
    w.begin();
    w.put(copy_record("a.md"), false);
    w.put(copy_record("b.md"), false);
    w.commit();
  }

  std::string source_path() const { return (tmp_.path() / "source.db").string(); }

  void edit(const std::string& sql) const {
    SQLite::Database db(source_path(), SQLite::OPEN_READWRITE);
    db.exec(sql);
  }

  // The copy's error into a fresh destination ("" when it copied), and what the destination
  // holds of the collection's documents then.
  std::string copy_error(std::vector<std::string>* copied = nullptr) {
    const std::string to = (tmp_.path() / ("to" + std::to_string(++copies_) + ".db")).string();
    std::string message;
    {
      Store from = Store::open(source_path());
      Store dest = Store::open(to);
      try {
        store::copy_collection(from, dest, store::CopyOptions{"docs", "", false, 1});
      } catch (const Error& e) {
        EXPECT_EQ(e.code(), ExitCode::invalid_input) << e.what();
        message = e.what();
        EXPECT_NE(std::string(e.hint()).find("did not write"), std::string::npos) << e.hint();
      }
    }
    if (copied != nullptr) {
      Store dest = Store::open(to);
      *copied = store::find_collection(dest, "docs") ? store::document_sources(dest, "docs") : std::vector<std::string>{};
    }
    return message;
  }

  testing::TempDir tmp_;
  int copies_ = 0;
};

TEST_F(CollectionCopyRows, RowsAsStrataWritesThemAreCopied) {
  std::vector<std::string> copied;
  EXPECT_EQ(copy_error(&copied), "");
  EXPECT_EQ(copied, (std::vector<std::string>{"a.md", "b.md"}));
}

// Each edit makes b.md's rows (or the collection's) something strata never writes: the copy
// names the document, the chunk and the field, and the documents before it (a.md, its own
// batch here) stay copied, nothing of b.md.
TEST_F(CollectionCopyRows, ARowStrataCannotHaveWrittenIsNamedAndNothingOfItsDocumentIsCopied) {
  const std::string b = "(SELECT id FROM documents WHERE source = 'b.md')";
  const std::string first = "document_id = " + b + " AND ordinal = 0";
  const std::string second = "document_id = " + b + " AND ordinal = 1";
  struct Case {
    std::string edit, undo, message;
  };
  const std::vector<Case> cases = {
      {"UPDATE chunks SET start_byte = 100 WHERE " + first, "UPDATE chunks SET start_byte = 0 WHERE " + first,
       "chunk 0: bytes [100, 17) are no range"},
      {"UPDATE chunks SET start_byte = -5, end_byte = 12 WHERE " + first,
       "UPDATE chunks SET start_byte = 0, end_byte = 17 WHERE " + first, "chunk 0: bytes [-5, 12) are no range"},
      {"UPDATE chunks SET end_byte = 9223372036854775807 WHERE " + first, "UPDATE chunks SET end_byte = 17 WHERE " + first,
       "chunk 0: bytes [0, 9223372036854775807) hold 17 bytes of text, not 9223372036854775807"},
      // A range that holds its text exactly, far out: the text it would make up is refused, not
      // allocated (4 GB here, 9 EB at the end of the range).
      {"UPDATE chunks SET start_byte = 4000000019, end_byte = 4000000040 WHERE " + second,
       "UPDATE chunks SET start_byte = 19, end_byte = 40 WHERE " + second,
       "document 'b.md': its chunks end at byte 4000000040 but hold 38 bytes of text"},
      {"UPDATE chunks SET start_byte = 9223372036854775786, end_byte = 9223372036854775807 WHERE " + second,
       "UPDATE chunks SET start_byte = 19, end_byte = 40 WHERE " + second, "its chunks end at byte 9223372036854775807"},
      {"UPDATE chunks SET ordinal = 7 WHERE " + second, "UPDATE chunks SET ordinal = 1 WHERE document_id = " + b +
                                                           " AND ordinal = 7",
       "chunk 1: ordinal 7 where 1 follows"},
      {"UPDATE chunks SET char_end = 9000 WHERE " + first, "UPDATE chunks SET char_end = 17 WHERE " + first,
       "chunk 0: characters [0, 9000) do not fit its bytes [0, 17)"},
      {"UPDATE chunks SET line_start = 0 WHERE " + first, "UPDATE chunks SET line_start = 1 WHERE " + first,
       "chunk 0: lines 0-1 do not fit its bytes [0, 17)"},
      {"UPDATE chunks SET line_end = 9223372036854775807 WHERE " + first, "UPDATE chunks SET line_end = 1 WHERE " + first,
       "chunk 0: lines 1-9223372036854775807 do not fit"},
      {"UPDATE chunks SET page = 5, page_end = 5 WHERE " + first + "; UPDATE documents SET page_count = 2 WHERE source = 'b.md'",
       "UPDATE chunks SET page = NULL, page_end = NULL WHERE " + first +
           "; UPDATE documents SET page_count = NULL WHERE source = 'b.md'",
       "chunk 0: pages 5-5 are not within the document's 2"},
      {"UPDATE chunks SET page = 3, page_end = 2 WHERE " + first, "UPDATE chunks SET page = NULL, page_end = NULL WHERE " + first,
       "chunk 0: pages 3-2"},
      {"UPDATE chunks SET token_count = -1 WHERE " + first, "UPDATE chunks SET token_count = 4 WHERE " + first,
       "chunk 0: token count -1 is negative"},
      {"UPDATE chunks SET headings = '{\"a\":1}' WHERE " + first, "UPDATE chunks SET headings = '[]' WHERE " + first,
       "chunk 0: headings is not a JSON array"},
      {"UPDATE chunks SET headings = '[[[' WHERE " + first, "UPDATE chunks SET headings = '[]' WHERE " + first,
       "chunk 0: headings is not valid JSON"},
      {"UPDATE documents SET metadata = 'not json' WHERE source = 'b.md'",
       "UPDATE documents SET metadata = '{}' WHERE source = 'b.md'", "document 'b.md': metadata is not valid JSON"},
      {"UPDATE documents SET size_bytes = -1 WHERE source = 'b.md'",
       "UPDATE documents SET size_bytes = 40 WHERE source = 'b.md'", "document 'b.md': size_bytes -1 is negative"},
      // Two chunks over the same bytes with different text: the copy would change one of them.
      {"UPDATE chunks SET start_byte = 0, end_byte = 21, char_start = 0, char_end = 21, line_start = 1, line_end = 1,"
       " text = 'Different chunk text.' WHERE " + second,
       "UPDATE chunks SET start_byte = 19, end_byte = 40, char_start = 19, char_end = 40, line_start = 3, line_end = 3,"
       " text = 'Second chunk, longer.' WHERE " + second,
       "chunk 0: its text differs from another chunk's over the bytes they share"},
  };
  for (const Case& c : cases) {
    edit(c.edit);
    std::vector<std::string> copied;
    const std::string message = copy_error(&copied);
    EXPECT_NE(message.find("source.db: collection 'docs', document 'b.md'"), std::string::npos) << c.edit << "\n" << message;
    EXPECT_NE(message.find(c.message), std::string::npos) << c.edit << "\n" << message;
    EXPECT_EQ(copied, std::vector<std::string>{"a.md"}) << c.edit;
    edit(c.undo);
    EXPECT_EQ(copy_error(), "") << "undone: " << c.undo;
  }
}

TEST_F(CollectionCopyRows, AModelSizeOrAVectorStrataCannotHaveWrittenIsNamed) {
  edit("UPDATE collections SET embedding_provider = 'local', embedding_model = 'm', embedding_dimensions = 9223372036854775807");
  std::string message = copy_error();
  EXPECT_NE(message.find("collection 'docs', its row: embedding dimensions 9223372036854775807 are not between 0 and 65536"),
            std::string::npos)
      << message;
  edit("UPDATE collections SET embedding_dimensions = 2");
  // Vectors of two floats, but b.md's second has three.
  const std::string floats(12, '\0');
  {
    SQLite::Database db(source_path(), SQLite::OPEN_READWRITE);
    SQLite::Statement ids(db, "SELECT c.id, d.source, c.ordinal FROM chunks c JOIN documents d ON d.id = c.document_id");
    std::vector<std::tuple<std::int64_t, std::string, std::int64_t>> rows;
    while (ids.executeStep()) rows.emplace_back(ids.getColumn(0).getInt64(), ids.getColumn(1).getString(), ids.getColumn(2).getInt64());
    for (const auto& [id, source, ordinal] : rows) {
      SQLite::Statement put(db, "INSERT INTO embeddings (chunk_id, vector) VALUES (?, ?)");
      put.bind(1, id);
      const bool bad = source == "b.md" && ordinal == 1;
      put.bind(2, floats.data(), bad ? 12 : 8);
      put.exec();
    }
  }
  std::vector<std::string> copied;
  message = copy_error(&copied);
  EXPECT_NE(message.find("document 'b.md', chunk 1: its vector is 12 bytes, not 2 floats of m"), std::string::npos) << message;
  EXPECT_EQ(copied, std::vector<std::string>{"a.md"});
}

// Reading vectors makes room for rows times dimensions floats first: a size no model has is
// refused before any room is made (it was a bad_alloc, "internal error").
TEST_F(CollectionCopyRows, VectorsOfAModelSizeNoModelHasAreNotRead) {
  Store s = Store::open(source_path());
  try {
    store::load_vectors(s, store::find_collection(s, "docs")->id, std::size_t{1} << 40);
    ADD_FAILURE() << "read";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::invalid_input);
    EXPECT_NE(std::string(e.what()).find("1099511627776 dimensions, more than the 65536 strata reads"), std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace strata
