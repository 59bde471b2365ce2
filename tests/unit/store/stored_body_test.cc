// The stored form of report bodies (store/stored_body.h): raw and zstd bodies round-trip, a
// codec switches dictionaries and still reads bodies of the earlier ones, and every kind of
// damage to a stored body is a Corruption naming it, never a crash.
#include "store/stored_body.h"

#include <gtest/gtest.h>
#include <zstd.h>

#include <cstdio>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace battrace::store::common {
namespace {

// A battery.produced body as the simulator writes them, the n-th of a maker's cells.
std::string Body(int n) {
  char buf[512];
  std::snprintf(buf, sizeof buf,
                R"({"code":"101CB3600001UOG4T3%06d","id":"bp-101CB3600001UOG4T3%06d",)"
                R"("mass_kg":%d.%03d,"materials":{"co_kg":0.0%02d,"li_kg":0.025,"mn_kg":0.051,)"
                R"("ni_kg":0.204},"model":"36-cell","nominal_voltage_v":3.65,)"
                R"("occurred":"2026-04-%02d","rated_capacity_ah":%d,"rated_energy_kwh":0.%03d,)"
                R"("reported":"2026-04-%02dT06:01:%02d.000000Z","reporter":"91640106100100025P",)"
                R"("type":"battery.produced"})",
                n, n, 1 + n % 3, n % 1000, n % 97, 1 + n % 28, 50 + n % 200, n % 1000, 2 + n % 27,
                n % 60);
  return buf;
}

std::vector<std::string> Bodies(int from, int count) {
  std::vector<std::string> out;
  for (int n = from; n < from + count; ++n)
    out.push_back(Body(n));
  return out;
}

// A store's dictionaries, as a loader reads them; counts the reads.
struct Dictionaries {
  std::map<int64_t, BodyDictionary> rows;
  int loads = 0;

  BodyCodec::Loader Loader() {
    return [this](int64_t id) -> Result<std::optional<BodyDictionary>> {
      ++loads;
      auto it = rows.find(id);
      if (it == rows.end()) return std::optional<BodyDictionary>();
      return std::optional<BodyDictionary>(it->second);
    };
  }
  void Train(int64_t id, int from) {
    auto bytes = TrainDictionary(Bodies(from, 500), 8192);
    ASSERT_TRUE(bytes.has_value());
    rows[id] = {id, from, *bytes};
  }
};

std::string Hex(std::string_view bytes) {
  std::string out;
  char b[4];
  for (unsigned char c : bytes) {
    std::snprintf(b, sizeof b, "%02x", c);
    out += b;
  }
  return out;
}

Status DecodeOf(BodyCodec& codec, std::string_view stored) {
  std::string body;
  return codec.Decode(stored, body);
}

TEST(StoredBody, WithoutADictionaryABodyIsStoredAsItIs) {
  Dictionaries store;
  BodyCodec codec({}, store.Loader());
  const std::string body = Body(1);
  EXPECT_EQ(codec.Encode(body), body);
  std::string back;
  ASSERT_TRUE(codec.Decode(body, back).ok());
  EXPECT_EQ(back, body);
  EXPECT_EQ(store.loads, 0);
}

TEST(StoredBody, ADictionaryMakesABodyAThirdOfItsSizeAndItComesBackWhole) {
  Dictionaries store;
  store.Train(1, 0);
  BodyCodec codec({}, store.Loader());
  ASSERT_TRUE(codec.Follow(1).ok());
  EXPECT_EQ(codec.current_id(), 1);
  size_t raw = 0, stored = 0;
  for (const std::string& body : Bodies(1000, 200)) {
    const std::string encoded(codec.Encode(body));
    EXPECT_EQ(Hex(encoded.substr(0, 2)), "0101");  // zstd, dictionary 1
    raw += body.size();
    stored += encoded.size();
    std::string back;
    ASSERT_TRUE(codec.Decode(encoded, back).ok());
    EXPECT_EQ(back, body);
  }
  EXPECT_LT(stored * 3, raw) << stored << " of " << raw << " bytes";
}

TEST(StoredBody, ABodyThatDoesNotShrinkStaysRaw) {
  Dictionaries store;
  store.Train(1, 0);
  BodyCodec codec({}, store.Loader());
  ASSERT_TRUE(codec.Follow(1).ok());
  EXPECT_EQ(codec.Encode("{}"), "{}");
}

// Not a JSON object (no body is one): compressed without a dictionary, so that its first byte
// cannot be taken for a raw body's.
TEST(StoredBody, ABodyThatIsNotAnObjectIsNeverStoredRaw) {
  Dictionaries store;
  BodyCodec codec({}, store.Loader());
  const std::string encoded(codec.Encode("[1,2,3]"));
  EXPECT_EQ(Hex(encoded.substr(0, 2)), "0100");
  std::string back;
  ASSERT_TRUE(codec.Decode(encoded, back).ok());
  EXPECT_EQ(back, "[1,2,3]");
}

// A newer dictionary takes over compression; bodies of the older one and raw bodies still
// decode, and a reader prepares each dictionary once.
TEST(StoredBody, SwitchesDictionariesAndReadsEveryEarlierForm) {
  Dictionaries store;
  store.Train(1, 0);
  store.Train(2, 5000);
  BodyCodec writer({}, store.Loader());
  const std::string raw(writer.Encode(Body(7)));
  ASSERT_TRUE(writer.Follow(1).ok());
  const std::string first(writer.Encode(Body(8)));
  ASSERT_TRUE(writer.Follow(1).ok());  // the same: nothing changes
  ASSERT_TRUE(writer.Follow(2).ok());
  EXPECT_EQ(writer.current_id(), 2);
  const std::string second(writer.Encode(Body(9)));
  EXPECT_EQ(Hex(first.substr(0, 2)), "0101");
  EXPECT_EQ(Hex(second.substr(0, 2)), "0102");

  store.loads = 0;
  BodyCodec reader({}, store.Loader());
  for (int round = 0; round < 3; ++round) {
    std::string back;
    ASSERT_TRUE(reader.Decode(raw, back).ok());
    EXPECT_EQ(back, Body(7));
    ASSERT_TRUE(reader.Decode(first, back).ok());
    EXPECT_EQ(back, Body(8));
    ASSERT_TRUE(reader.Decode(second, back).ok());
    EXPECT_EQ(back, Body(9));
  }
  EXPECT_EQ(store.loads, 2);
  EXPECT_EQ(reader.current_id(), 0);  // a reader compresses with none
}

TEST(StoredBody, FollowingADictionaryTheStoreLacksIsCorruption) {
  Dictionaries store;
  BodyCodec codec({}, store.Loader());
  const Status st = codec.Follow(3);
  EXPECT_EQ(st.code(), StatusCode::kCorruption);
  EXPECT_NE(st.message().find("dictionary 3"), std::string::npos) << st.message();
  EXPECT_EQ(codec.current_id(), 0);
}

// Every way a stored body can be damaged: a Corruption that says what is wrong.
TEST(StoredBody, DamageIsCorruptionNamingWhatIsWrong) {
  Dictionaries store;
  store.Train(1, 0);
  BodyCodec codec({}, store.Loader());
  ASSERT_TRUE(codec.Follow(1).ok());
  const std::string good(codec.Encode(Body(3)));
  ASSERT_TRUE(DecodeOf(codec, good).ok());
  const std::string frame = good.substr(2);

  struct Case {
    const char* what;
    std::string stored;
    const char* says;
  };
  const std::vector<Case> cases = {
      {"empty", "", "is empty"},
      {"unknown form", "\x02" + frame, "unknown form (first byte 0x02)"},
      {"a space before the JSON", " {}", "unknown form (first byte 0x20)"},
      {"no id", "\x01", "dictionary id cut short"},
      {"id cut short", "\x01\x81", "dictionary id cut short"},
      {"id too long", std::string("\x01\x81\x81\x81\x81\x01", 6) + frame, "longer than 4 bytes"},
      {"unknown dictionary", "\x01\x09" + frame,
       "names dictionary 9, which the store does not hold"},
      {"no frame", std::string("\x01\x01", 2), "holds no zstd frame"},
      {"not a frame", std::string("\x01\x01", 2) + "garbage!", ""},
      {"frame cut short", good.substr(0, good.size() - 3), "broken zstd frame"},
      {"bytes after the frame", good + "xx", "2 bytes after its zstd frame"},
      {"the other dictionary's frame", std::string("\x01\x00", 2) + frame, ""},
  };
  for (const Case& c : cases) {
    const Status st = DecodeOf(codec, c.stored);
    EXPECT_EQ(st.code(), StatusCode::kCorruption) << c.what << ": " << st.ToString();
    EXPECT_NE(st.message().find(c.says), std::string::npos) << c.what << ": " << st.message();
  }
}

// Frames the codec never writes, made with zstd directly: one that omits its size, one whose
// declared size is not what it holds, one that claims more than any report.
TEST(StoredBody, FramesOfTheWrongSizeAreCorruption) {
  Dictionaries store;
  BodyCodec codec({}, store.Loader());
  const std::string body = Body(5);
  auto frame = [&](bool with_size, std::optional<size_t> pledged) {
    ZSTD_CCtx* cctx = ZSTD_createCCtx();
    ZSTD_CCtx_setParameter(cctx, ZSTD_c_contentSizeFlag, with_size ? 1 : 0);
    std::string out(ZSTD_compressBound(body.size()), '\0');
    size_t n = 0;
    if (pledged) {
      ZSTD_CCtx_setPledgedSrcSize(cctx, *pledged);
      ZSTD_outBuffer o{out.data(), out.size(), 0};
      ZSTD_inBuffer in{body.data(), body.size(), 0};
      const size_t left = ZSTD_compressStream2(cctx, &o, &in, ZSTD_e_end);
      n = ZSTD_isError(left) ? 0 : o.pos;
    } else {
      n = ZSTD_compress2(cctx, out.data(), out.size(), body.data(), body.size());
    }
    ZSTD_freeCCtx(cctx);
    out.resize(n);
    return std::string("\x01\x00", 2) + out.substr(4);  // the magic number left out
  };
  const std::string sized = frame(true, std::nullopt);
  std::string back;
  ASSERT_TRUE(codec.Decode(sized, back).ok());
  EXPECT_EQ(back, body);

  Status st = DecodeOf(codec, frame(false, std::nullopt));
  EXPECT_EQ(st.code(), StatusCode::kCorruption);
  EXPECT_NE(st.message().find("omits its size"), std::string::npos) << st.message();

  // The frame header's content size rewritten to one byte more than the content: after the
  // frame header descriptor (single segment, a 2-byte size), the size less 256, little-endian.
  ASSERT_EQ(static_cast<unsigned char>(sized[2]), 0x60);
  std::string longer = sized;
  longer[3] = static_cast<char>(longer[3] + 1);
  ASSERT_EQ(static_cast<unsigned char>(longer[3]), (body.size() + 1 - 256) & 0xFF);
  st = DecodeOf(codec, longer);
  EXPECT_EQ(st.code(), StatusCode::kCorruption) << st.ToString();

  // A header claiming 2^40 bytes: refused before anything is allocated.
  const std::string huge = std::string("\x01\x00", 2) + std::string("\xE0", 1) +
                           std::string("\x00\x00\x00\x00\x00\x01\x00\x00", 8) + "\x01\x00\x00";
  st = DecodeOf(codec, huge);
  EXPECT_EQ(st.code(), StatusCode::kCorruption);
  EXPECT_NE(st.message().find("more than any report"), std::string::npos) << st.message();
}

TEST(StoredBody, TheLoadersErrorsComeThroughAsTheyAre) {
  BodyCodec codec({}, [](int64_t) -> Result<std::optional<BodyDictionary>> {
    return Status::IOError("the store is gone");
  });
  const Status st = DecodeOf(codec, std::string("\x01\x01\x00", 3));
  EXPECT_EQ(st.code(), StatusCode::kIOError);
}

TEST(StoredBody, StagesGrowByThePoliciesFactor) {
  const DictionaryPolicy p;  // 10,000, then x10
  EXPECT_EQ(DictionaryStage(p, 0), 0u);
  EXPECT_EQ(DictionaryStage(p, 9999), 0u);
  EXPECT_EQ(DictionaryStage(p, 10000), 10000u);
  EXPECT_EQ(DictionaryStage(p, 99999), 10000u);
  EXPECT_EQ(DictionaryStage(p, 100000), 100000u);
  EXPECT_EQ(DictionaryStage(p, 29000000), 10000000u);
  EXPECT_EQ(DictionaryStage(p, UINT64_MAX), 10000000000000000000u);
  DictionaryPolicy once = p;
  once.growth = 1;
  EXPECT_EQ(DictionaryStage(once, 5000000), 10000u);
}

TEST(StoredBody, SamplesAreSmallLedgersWholeAndRunsSpreadOverLargeOnes) {
  using Runs = std::vector<std::pair<uint64_t, uint64_t>>;
  EXPECT_EQ(SampleRuns(15000, 20000), (Runs{{0, 15000}}));
  const Runs runs = SampleRuns(100000, 20000);
  ASSERT_EQ(runs.size(), 20u);
  EXPECT_EQ(runs.front(), (std::pair<uint64_t, uint64_t>{0, 1000}));
  EXPECT_EQ(runs[1], (std::pair<uint64_t, uint64_t>{5000, 1000}));
  EXPECT_EQ(runs.back(), (std::pair<uint64_t, uint64_t>{95000, 1000}));
}

TEST(StoredBody, TooLittleToTrainOnGivesNoDictionary) {
  EXPECT_FALSE(TrainDictionary({}, 8192).has_value());
  EXPECT_FALSE(TrainDictionary({"{}", "{}"}, 8192).has_value());
}

}  // namespace
}  // namespace battrace::store::common
