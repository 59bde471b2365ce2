// Witness cosignatures (C2SP tlog-cosignature, cosignature/v1): known answers derived from the
// spec, round trips, strict parsing, and counting cosignatures on a note.
#include "ledger/cosignature.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "ledger/checkpoint.h"

namespace battrace::ledger {
namespace {

// Known answers, derived outside battrace from the specs alone: the key is the RFC 8032
// section 7.1 TEST 1 seed (public key d75a9801...511a) named "witness.example/w1"; the key id is
// SHA-256("witness.example/w1" || 0x0A || 0x04 || public key)[:4]; the body and timestamp are
// the C2SP tlog-cosignature example's; the signature was made by a pure-Python RFC 8032 signer
// (the Ed25519 of tests/integration/rfc9162_verify.py plus section 5.1.6) over
// "cosignature/v1\ntime 1679315147\n" + body. Ed25519 being deterministic, libsodium must agree
// to the byte.
constexpr char kKeyFile[] =
    "PRIVATE+KEY+witness.example/w1+6d141fc1+AZ1hsZ3v/VpguoRK9JLsLMREScVpezJpGXA7rAMcrn9g";
constexpr char kCosignerKey[] =
    "witness.example/w1+eb762cc2+BNdamAGCsQq31Uv+08lkBzoO4XLz2qYjJa8CGmj3B1Ea";
constexpr char kBody[] =
    "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n";
constexpr uint64_t kTime = 1679315147;
constexpr char kLine[] =
    "\xE2\x80\x94 witness.example/w1 "
    "63YswgAAAABkGFDL+TPmh4BYuAjsYRoqMJCWb/gWJaeRF/kmm5tlCr9sJ57DLErur7K0yDXc2ArN+"
    "TIuotuB/HbuL3AJsp3bv/aNCQ==\n";

SigningKey KatKey() {
  auto key = SigningKey::Parse(kKeyFile);
  EXPECT_TRUE(key.ok()) << key.status().ToString();
  return *key;
}

Verifier MustCosigner(const std::string& text) {
  auto v = Verifier::Parse(text, KeyType::kCosignatureV1);
  EXPECT_TRUE(v.ok()) << v.status().ToString();
  return *v;
}

std::string NoteOf(const SigningKey& log, const std::string& body) {
  auto note = SignNote(body, log);
  EXPECT_TRUE(note.ok());
  return *note;
}

TEST(Cosignature, KnownAnswerKeyIdAndVerifierKey) {
  const SigningKey key = KatKey();
  EXPECT_EQ(key.CosignerVerifier().Text(), kCosignerKey);
  EXPECT_EQ(key.CosignerVerifier().key_id(), 0xeb762cc2u);
  EXPECT_EQ(key.CosignerVerifier().type(), KeyType::kCosignatureV1);
  // The same key as a note signer has another id (type 0x01).
  EXPECT_NE(key.key_id(), key.CosignerVerifier().key_id());
}

TEST(Cosignature, KnownAnswerMessageAndLine) {
  EXPECT_EQ(CosignedMessage(kBody, kTime),
            std::string("cosignature/v1\ntime 1679315147\n") + kBody);
  EXPECT_EQ(Cosign(KatKey(), kBody, kTime), kLine);
}

TEST(Cosignature, KnownAnswerParsesAndVerifies) {
  std::string line = kLine;
  line.pop_back();
  auto parsed = ParseCosignatureLine(line);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->name, "witness.example/w1");
  EXPECT_EQ(parsed->key_id, 0xeb762cc2u);
  EXPECT_EQ(parsed->timestamp, kTime);
  const Verifier cosigner = MustCosigner(kCosignerKey);
  EXPECT_TRUE(VerifyCosignature(cosigner, kBody, *parsed));
  // Another body, another time: no longer valid.
  EXPECT_FALSE(VerifyCosignature(cosigner, std::string(kBody) + "extension\n", *parsed));
  Cosignature later = *parsed;
  later.timestamp += 1;
  EXPECT_FALSE(VerifyCosignature(cosigner, kBody, later));
}

TEST(Cosignature, VerifierKeysOfOneTypeOnly) {
  auto as_note_key = Verifier::Parse(kCosignerKey);  // type 0x01 expected
  ASSERT_FALSE(as_note_key.ok());
  EXPECT_EQ(as_note_key.status().rule(), "key.type");
  const SigningKey key = KatKey();
  auto as_cosigner = Verifier::Parse(key.VerifierKey(), KeyType::kCosignatureV1);
  ASSERT_FALSE(as_cosigner.ok());
  EXPECT_EQ(as_cosigner.status().rule(), "key.type");
  // A type 0x04 key whose id was computed as if it were type 0x01 is refused.
  std::string wrong_id = kCosignerKey;
  wrong_id.replace(wrong_id.find("eb762cc2"), 8, "6d141fc1");
  auto mismatched = Verifier::Parse(wrong_id, KeyType::kCosignatureV1);
  ASSERT_FALSE(mismatched.ok());
  EXPECT_EQ(mismatched.status().rule(), "key.id");
}

TEST(Cosignature, ParsingIsStrict) {
  std::string good = kLine;
  good.pop_back();
  const std::string blob = good.substr(good.rfind(' ') + 1);
  const std::vector<std::string> bad = {
      "",
      "- witness.example/w1 " + blob,                                 // ASCII dash
      "\xE2\x80\x94 witness.example/w1  " + blob,                     // two spaces
      "\xE2\x80\x94 witness.example/w1",                              // no signature
      "\xE2\x80\x94  " + blob,                                        // no name
      "\xE2\x80\x94 witness+w1 " + blob,                              // '+' in the name
      "\xE2\x80\x94 witness.example/w1 " + blob.substr(0, 100),       // truncated
      "\xE2\x80\x94 witness.example/w1 " + blob + "AAAA",             // 79 bytes
      "\xE2\x80\x94 witness.example/w1 " + blob.substr(0, 99) + "=",  // non-canonical
      // A type 0x01 note signature (4 + 64 bytes) is not a cosignature.
      "\xE2\x80\x94 witness.example/w1 " + std::string(91, 'A') + "=",
      // Timestamp 2^63: the top bit set.
      "\xE2\x80\x94 witness.example/w1 63YswoAAAABkGFDL" + blob.substr(16),
  };
  for (const std::string& line : bad) {
    auto parsed = ParseCosignatureLine(line);
    EXPECT_FALSE(parsed.ok()) << line;
    if (!parsed.ok()) {
      EXPECT_EQ(parsed.status().rule(), "cosignature.format") << line;
    }
  }
  EXPECT_TRUE(ParseCosignatureLine(good).ok());
}

TEST(Cosignature, CountsValidCosignaturesOnANote) {
  auto log = SigningKey::Generate("battrace.test/ledger");
  ASSERT_TRUE(log.ok());
  auto w2 = SigningKey::Generate("witness.example/w2");
  ASSERT_TRUE(w2.ok());
  const SigningKey w1 = KatKey();
  const std::string note = NoteOf(*log, kBody);
  const std::vector<Verifier> both = {w1.CosignerVerifier(), w2->CosignerVerifier()};

  auto none = CountCosignatures(note, both);
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(*none, 0u);

  const std::string one = note + Cosign(w1, kBody, kTime);
  EXPECT_EQ(*CountCosignatures(one, both), 1u);
  // The log's own signature still verifies: the cosignature is another key's line.
  EXPECT_TRUE(OpenNote(one, log->verifier()).ok());

  // Twice the same witness counts once.
  const std::string twice = one + Cosign(w1, kBody, kTime + 5);
  EXPECT_EQ(*CountCosignatures(twice, both), 1u);

  const std::string two = one + Cosign(*w2, kBody, kTime);
  EXPECT_EQ(*CountCosignatures(two, both), 2u);
  // Only the keys asked about count.
  EXPECT_EQ(*CountCosignatures(two, std::vector<Verifier>{w2->CosignerVerifier()}), 1u);
}

TEST(Cosignature, ACosignatureOfAnotherBodyRejectsTheNote) {
  auto log = SigningKey::Generate("battrace.test/ledger");
  ASSERT_TRUE(log.ok());
  const SigningKey w1 = KatKey();
  // The cosignature of the spec's body moved onto a note of another tree: tampering.
  const std::string other =
      "battrace.test/ledger\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n";
  const std::string note = NoteOf(*log, other) + kLine;
  auto count = CountCosignatures(note, std::vector<Verifier>{w1.CosignerVerifier()});
  ASSERT_FALSE(count.ok());
  EXPECT_EQ(count.status().rule(), "note.cosignature");
  // A note that is not a signed note at all.
  auto broken = CountCosignatures(kBody, std::vector<Verifier>{w1.CosignerVerifier()});
  ASSERT_FALSE(broken.ok());
  EXPECT_EQ(broken.status().rule(), "note.format");
}

}  // namespace
}  // namespace battrace::ledger
