// Receipt JSON form.
#include "ledger/receipt.h"

#include <gtest/gtest.h>

namespace battrace::ledger {
namespace {

using nlohmann::json;

TEST(ReceiptTest, JsonRoundTrips) {
  const Receipt r{"91110000100000000X", "r-1", 41, LeafHash("report")};
  const json j = r.ToJson();
  EXPECT_EQ(j.at("leaf_hash"), HashToBase64(r.leaf_hash));
  EXPECT_EQ(j.at("leaf_index"), 41);
  auto back = Receipt::FromJson(j);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, r);
  json extra = j;
  extra["checkpoint"] = "future member";
  EXPECT_TRUE(Receipt::FromJson(extra).ok());
}

TEST(ReceiptTest, RejectsMissingOrMistypedMembers) {
  const json good = Receipt{"a", "b", 1, LeafHash("x")}.ToJson();
  for (const char* member : {"reporter", "id", "leaf_index", "leaf_hash"}) {
    json missing = good;
    missing.erase(member);
    EXPECT_EQ(Receipt::FromJson(missing).status().field(), std::string("/") + member);
  }
  json negative = good;
  negative["leaf_index"] = -1;
  EXPECT_FALSE(Receipt::FromJson(negative).ok());
  json short_hash = good;
  short_hash["leaf_hash"] = "AAAA";
  EXPECT_FALSE(Receipt::FromJson(short_hash).ok());
  json hex_hash = good;
  hex_hash["leaf_hash"] = HashToHex(LeafHash("x"));
  EXPECT_FALSE(Receipt::FromJson(hex_hash).ok());
  EXPECT_FALSE(Receipt::FromJson(json::array()).ok());
}

}  // namespace
}  // namespace battrace::ledger
