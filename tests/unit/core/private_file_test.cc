// Files only their owner may read: created 0600 whatever the umask, checked by mode bits.
#include "core/private_file.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace battrace {
namespace {

namespace fs = std::filesystem;

class PrivateFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("battrace-private-file-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  static fs::perms Mode(const fs::path& p) { return fs::status(p).permissions(); }

  fs::path dir_;
};

TEST_F(PrivateFileTest, CreatesAnEmptyFileOfMode0600WhateverTheUmask) {
  const mode_t old = ::umask(0);
  const fs::path p = dir_ / "store.db";
  const Status st = CreatePrivateFile(p.string());
  ::umask(old);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(Mode(p), fs::perms::owner_read | fs::perms::owner_write);
  EXPECT_EQ(fs::file_size(p), 0u);
  EXPECT_TRUE(CheckPrivateFile(p.string(), "the store file").ok());
}

TEST_F(PrivateFileTest, LeavesAnExistingFileAsItIs) {
  const fs::path p = dir_ / "receipts.ndjson";
  std::ofstream(p) << "kept\n";
  fs::permissions(p, fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read);
  ASSERT_TRUE(CreatePrivateFile(p.string()).ok());
  EXPECT_EQ(fs::file_size(p), 5u);
  EXPECT_EQ(Mode(p), fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read);
}

TEST_F(PrivateFileTest, RefusesAFileGroupOrOthersMayAccess) {
  const fs::path p = dir_ / "tls.key";
  std::ofstream(p) << "key\n";
  for (const fs::perms extra : {fs::perms::group_read, fs::perms::others_read,
                                fs::perms::group_write, fs::perms::others_exec}) {
    fs::permissions(p, fs::perms::owner_read | fs::perms::owner_write | extra);
    const Status st = CheckPrivateFile(p.string(), "the TLS key file");
    EXPECT_EQ(st.code(), StatusCode::kFailedPrecondition);
    EXPECT_NE(st.message().find("the TLS key file " + p.string() + " has mode 0"),
              std::string::npos)
        << st.message();
    EXPECT_NE(st.message().find("chmod 600"), std::string::npos);
  }
  fs::permissions(p, fs::perms::owner_read);
  EXPECT_TRUE(CheckPrivateFile(p.string(), "the TLS key file").ok());
  EXPECT_EQ(CheckPrivateFile(dir_.string(), "the store file").code(),
            StatusCode::kFailedPrecondition);  // not a regular file
  EXPECT_EQ(CheckPrivateFile((dir_ / "absent").string(), "the store file").code(),
            StatusCode::kIOError);
}

}  // namespace
}  // namespace battrace
