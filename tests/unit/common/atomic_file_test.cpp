// write_file_atomically (common/atomic_file.h): the temporary file is never one a repository
// planted, and the target is replaced whole.
#include "common/atomic_file.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>

#include "test_util.h"

namespace strata {
namespace {

namespace fs = std::filesystem;
using testing::TempDir;
using testing::read_file;
using testing::write_file;

TEST(AtomicFile, APlantedTmpLinkBesideTheTargetIsNeverWrittenThrough) {
  TempDir dir;
  write_file(dir / "victim", "precious\n");
  // The names strata used before (FILE.tmp) and a guess at any other: links to the victim.
  fs::create_symlink(dir / "victim", dir / "schema.sql.tmp");
  fs::create_symlink(dir / "victim", dir / ".schema.sql.tmp");
  write_file_atomically(dir / "schema.sql", "CREATE TABLE t (x);\n");
  EXPECT_EQ(read_file(dir / "victim"), "precious\n");
  EXPECT_EQ(read_file(dir / "schema.sql"), "CREATE TABLE t (x);\n");
  EXPECT_TRUE(fs::is_symlink(dir / "schema.sql.tmp"));
  // No temporary file is left behind.
  std::size_t entries = 0;
  for (const auto& e : fs::directory_iterator(dir.path())) {
    EXPECT_EQ(e.path().filename().string().find("tmp-"), std::string::npos) << e.path();
    ++entries;
  }
  EXPECT_EQ(entries, 4u);
}

TEST(AtomicFile, ATargetThatIsALinkIsReplacedNotFollowed) {
  TempDir dir;
  write_file(dir / "victim", "precious\n");
  fs::create_symlink(dir / "victim", dir / "schema.sql");
  write_file_atomically(dir / "schema.sql", "new\n");
  EXPECT_EQ(read_file(dir / "victim"), "precious\n");
  EXPECT_FALSE(fs::is_symlink(dir / "schema.sql"));
  EXPECT_EQ(read_file(dir / "schema.sql"), "new\n");
}

TEST(AtomicFile, KeepsTheModeOfTheFileItReplacesElse0644) {
  TempDir dir;
  write_file(dir / "kept", "old");
  fs::permissions(dir / "kept", fs::perms::owner_read | fs::perms::owner_write);
  write_file_atomically(dir / "kept", "new");
  struct stat st {};
  ASSERT_EQ(::stat((dir / "kept").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  write_file_atomically(dir / "fresh", "x");
  ASSERT_EQ(::stat((dir / "fresh").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0644u);
}

TEST(AtomicFile, AFolderThatDoesNotExistIsAnErrorNamingTheFile) {
  TempDir dir;
  const Error e = testing::error_of([&] { write_file_atomically(dir / "no/such/schema.sql", "x"); });
  EXPECT_EQ(e.code(), ExitCode::unavailable);
  EXPECT_NE(std::string(e.what()).find("schema.sql: cannot write"), std::string::npos) << e.what();
}

}  // namespace
}  // namespace strata
