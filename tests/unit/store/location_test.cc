#include <gtest/gtest.h>

#include "store/open.h"

namespace battrace::store {
namespace {

std::string Shown(const std::string& pg) {
  return Location{"", pg}.ToString();
}

TEST(LocationTest, MasksPasswordsInConnectionStrings) {
  Location file;
  file.db = "/var/lib/battrace/store.db";
  EXPECT_EQ(file.ToString(), "/var/lib/battrace/store.db");
  EXPECT_EQ(Shown("host=db dbname=battrace"), "host=db dbname=battrace");
  EXPECT_EQ(Shown("host=db password=s3cret dbname=b"), "host=db password=*** dbname=b");
  EXPECT_EQ(Shown("password = 'a \\' b' user=app"), "password = *** user=app");
  EXPECT_EQ(Shown("user=app password=x"), "user=app password=***");
  EXPECT_EQ(Shown("passwordfile=/p host=h"), "passwordfile=/p host=h");
  EXPECT_EQ(Shown("postgresql://app:s3cret@db:5432/battrace"),
            "postgresql://app:***@db:5432/battrace");
  EXPECT_EQ(Shown("postgresql://app@db/battrace"), "postgresql://app@db/battrace");
}

TEST(LocationTest, NamesExactlyOneStore) {
  OpenOptions o;
  EXPECT_EQ(OpenStore(Location{}, o).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(OpenStore(Location{"a.db", "host=h"}, o).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace battrace::store
