// Signing keys, key files, checkpoints and signed notes (C2SP signed-note, tlog-checkpoint).
#include "ledger/checkpoint.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <system_error>

namespace battrace::ledger {
namespace {

namespace fs = std::filesystem;

// The example key and note of the Go sumdb note package documentation: an independent
// implementation of the same formats.
constexpr char kGoPrivateKey[] =
    "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
constexpr char kGoVerifierKey[] =
    "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
constexpr char kGoText[] =
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n";
constexpr char kGoNote[] =
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n"
    "\n"
    "\xE2\x80\x94 PeterNeumann "
    "x08go/ZJkuBS9UG/"
    "SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";

SigningKey MustGenerate(const std::string& name) {
  auto key = SigningKey::Generate(name);
  EXPECT_TRUE(key.ok());
  return *key;
}

Checkpoint Sample() {
  Checkpoint cp;
  cp.origin = "battrace.example.cn/ledger";
  cp.size = 20852163;
  cp.root = LeafHash("root");
  return cp;
}

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "battrace-ledger-XXXXXX").string();
    path_ = mkdtemp(tmpl.data());
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

TEST(SigningKeyTest, MatchesGoSumdbNoteExample) {
  auto key = SigningKey::Parse(kGoPrivateKey);
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  EXPECT_EQ(key->VerifierKey(), kGoVerifierKey);
  EXPECT_EQ(key->key_id(), 0xc74f20a3u);
  EXPECT_EQ(key->Text(), kGoPrivateKey);
  auto note = SignNote(kGoText, *key);
  ASSERT_TRUE(note.ok());
  EXPECT_EQ(*note, kGoNote);  // Ed25519 signatures are deterministic
  auto verifier = Verifier::Parse(kGoVerifierKey);
  ASSERT_TRUE(verifier.ok());
  auto text = OpenNote(kGoNote, *verifier);
  ASSERT_TRUE(text.ok()) << text.status().ToString();
  EXPECT_EQ(*text, kGoText);
}

TEST(SigningKeyTest, ParsesOnlyConsistentKeyTexts) {
  EXPECT_FALSE(Verifier::Parse("PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW")
                   .ok());  // wrong key id
  EXPECT_FALSE(Verifier::Parse("PeterNeumann+c74f20a3+Apc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW")
                   .ok());  // not base64 of 33 bytes
  EXPECT_FALSE(
      Verifier::Parse("Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW").ok());
  EXPECT_FALSE(Verifier::Parse("PeterNeumann+c74f20a3").ok());
  EXPECT_FALSE(SigningKey::Parse(kGoVerifierKey).ok());
  EXPECT_FALSE(SigningKey::Generate("").ok());
  EXPECT_FALSE(SigningKey::Generate("a+b").ok());
  EXPECT_FALSE(SigningKey::Generate("a\xE3\x80\x80"
                                    "b")
                   .ok());  // U+3000 ideographic space
  EXPECT_TRUE(SigningKey::Generate("\xE5\x9B\xBD\xE5\xAE\xB6/ledger").ok());
}

TEST(SigningKeyTest, KeyFileIsCreatedWithMode0600AndNeverOverwritten) {
  TempDir dir;
  const fs::path file = dir.path() / "ledger.key";
  SigningKey key = MustGenerate("battrace.example.cn/ledger");
  ASSERT_TRUE(key.WriteFile(file).ok());
  struct stat st;
  ASSERT_EQ(stat(file.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(key.WriteFile(file).code(), StatusCode::kIOError);  // O_EXCL

  auto loaded = SigningKey::FromFile(file);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ(loaded->Text(), key.Text());
  EXPECT_EQ(loaded->VerifierKey(), key.VerifierKey());

  fs::permissions(file, fs::perms::group_read, fs::perm_options::add);
  EXPECT_EQ(SigningKey::FromFile(file).status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(SigningKey::FromFile(dir.path() / "missing").status().code(), StatusCode::kIOError);
}

TEST(CheckpointTest, BodyRoundTrips) {
  Checkpoint cp = Sample();
  EXPECT_EQ(cp.Body(), "battrace.example.cn/ledger\n20852163\n" + HashToBase64(cp.root) + "\n");
  cp.extensions = {"time 2026-04-01T00:00:00Z"};
  auto parsed = Checkpoint::ParseBody(cp.Body());
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(*parsed, cp);
  Checkpoint empty = Sample();
  empty.size = 0;
  empty.root = EmptyRootHash();
  EXPECT_EQ(*Checkpoint::ParseBody(empty.Body()), empty);
}

TEST(CheckpointTest, RejectsMalformedBodies) {
  const std::string root = HashToBase64(LeafHash("x"));
  for (const std::string& bad : {
           std::string("o\n1\n") + root,                            // no final newline
           std::string("o\n1\n"),                                   // no root
           std::string("\n1\n") + root + "\n",                      // empty origin
           std::string("o\n01\n") + root + "\n",                    // leading zero
           std::string("o\n-1\n") + root + "\n",                    // sign
           std::string("o\n18446744073709551616\n") + root + "\n",  // overflow
           std::string("o\n1\nAAAA\n"),                             // short root
           std::string("o\n1\n") + root + "\n\n",                   // empty extension line
       }) {
    EXPECT_FALSE(Checkpoint::ParseBody(bad).ok()) << bad;
  }
  EXPECT_TRUE(Checkpoint::ParseBody("o\n18446744073709551615\n" + root + "\n").ok());
}

TEST(CheckpointTest, SignedCheckpointOpensWithTheRightKeyOnly) {
  SigningKey key = MustGenerate("battrace.example.cn/ledger");
  SigningKey other = MustGenerate("battrace.example.cn/ledger");  // same name, other key
  const Checkpoint cp = Sample();
  auto note = SignNote(cp.Body(), key);
  ASSERT_TRUE(note.ok());
  auto opened = OpenSignedCheckpoint(*note, key.verifier());
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  EXPECT_EQ(*opened, cp);
  EXPECT_EQ(OpenSignedCheckpoint(*note, other.verifier()).status().rule(), "note.unsigned");
}

TEST(CheckpointTest, TamperingAnyByteBreaksTheNote) {
  SigningKey key = MustGenerate("battrace.example.cn/ledger");
  auto note = SignNote(Sample().Body(), key);
  ASSERT_TRUE(note.ok());
  for (size_t i = 0; i < note->size(); ++i) {
    for (uint8_t flip : {0x01, 0x20, 0x80}) {
      std::string bad = *note;
      bad[i] = static_cast<char>(bad[i] ^ flip);
      EXPECT_FALSE(OpenSignedCheckpoint(bad, key.verifier()).ok()) << i << " " << int{flip};
    }
  }
  EXPECT_FALSE(OpenSignedCheckpoint(note->substr(0, note->size() - 1), key.verifier()).ok());
  EXPECT_FALSE(OpenSignedCheckpoint(*note + "\n", key.verifier()).ok());
}

TEST(CheckpointTest, UnknownSignaturesAreIgnoredButBadKnownOnesReject) {
  SigningKey key = MustGenerate("battrace.example.cn/ledger");
  SigningKey witness = MustGenerate("witness.example/w1");
  const std::string body = Sample().Body();
  const std::string by_key = *SignNote(body, key);
  const std::string by_witness = *SignNote(body, witness);
  const std::string witness_line = by_witness.substr(body.size() + 1);
  const std::string key_line = by_key.substr(body.size() + 1);
  // Cosigned: witness line first, then ours; and the witness alone.
  const std::string cosigned = body + "\n" + witness_line + key_line;
  EXPECT_TRUE(OpenSignedCheckpoint(cosigned, key.verifier()).ok());
  EXPECT_TRUE(OpenSignedCheckpoint(cosigned, witness.verifier()).ok());
  EXPECT_EQ(OpenSignedCheckpoint(by_witness, key.verifier()).status().rule(), "note.unsigned");
  // Our name and key id on a signature of other text: the whole note is rejected.
  const std::string forged_line = SignNote("other\n", key)->substr(7);
  EXPECT_EQ(
      OpenSignedCheckpoint(body + "\n" + forged_line + key_line, key.verifier()).status().rule(),
      "note.signature");
}

TEST(CheckpointTest, RejectsMalformedNotes) {
  SigningKey key = MustGenerate("k");
  EXPECT_FALSE(SignNote("no newline", key).ok());
  EXPECT_FALSE(SignNote("tab\there\n", key).ok());
  EXPECT_FALSE(SignNote("bad \xFF utf8\n", key).ok());
  const std::string note = *SignNote("hello\n", key);
  const std::string sig_line = note.substr(7);
  EXPECT_TRUE(OpenNote(note, key.verifier()).ok());
  EXPECT_FALSE(OpenNote("hello\n" + sig_line, key.verifier()).ok());      // no blank line
  EXPECT_FALSE(OpenNote("hello\n\n", key.verifier()).ok());               // no signatures
  EXPECT_FALSE(OpenNote(note + "garbage\n", key.verifier()).ok());        // bad line
  EXPECT_FALSE(OpenNote("hello\r\n\n" + sig_line, key.verifier()).ok());  // control char
  std::string many = "hello\n\n";
  for (size_t i = 0; i <= kMaxNoteSignatures; ++i)
    many += sig_line;
  EXPECT_FALSE(OpenNote(many, key.verifier()).ok());
}

}  // namespace
}  // namespace battrace::ledger
