// Hash text encodings: base64 and hex, strict decoding.
#include "ledger/hash.h"

#include <gtest/gtest.h>

#include <cctype>
#include <string>
#include <vector>

namespace battrace::ledger {
namespace {

TEST(HashTest, Base64AndHexRoundTrip) {
  const Hash h = LeafHash("battery");
  EXPECT_EQ(HashToBase64(h).size(), 44u);
  EXPECT_EQ(*HashFromBase64(HashToBase64(h)), h);
  EXPECT_EQ(*HashFromHex(HashToHex(h)), h);
  std::string upper = HashToHex(h);
  for (char& c : upper)
    c = static_cast<char>(std::toupper(c));
  EXPECT_EQ(*HashFromHex(upper), h);
  EXPECT_EQ(HashToBase64(EmptyRootHash()), "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=");
}

TEST(HashTest, Base64DecodingIsStrict) {
  EXPECT_EQ(Base64Encode(std::vector<uint8_t>{'f', 'o', 'o', 'b'}), "Zm9vYg==");
  EXPECT_TRUE(Base64Decode("Zm9vYg==", "x").ok());
  for (const char* bad :
       {"Zm9vYg", "Zm9vYg=", "Zm9vYh==", " Zm9vYg==", "Zm9v\nYg==", "Zm9vYg==A", "Zm9-Yg=="}) {
    EXPECT_EQ(Base64Decode(bad, "x").status().rule(), "base64") << bad;
  }
  EXPECT_EQ(HashFromBase64("Zm9vYg==").status().rule(), "hash.length");
}

TEST(HashTest, HexDecodingIsStrict) {
  const std::string hex = HashToHex(LeafHash("x"));
  EXPECT_EQ(HashFromHex(hex.substr(1)).status().rule(), "hash.length");
  EXPECT_EQ(HashFromHex("g" + hex.substr(1)).status().rule(), "hex");
}

}  // namespace
}  // namespace battrace::ledger
