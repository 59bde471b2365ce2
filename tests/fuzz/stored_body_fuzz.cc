// Fuzz target: BodyCodec::Decode (store/stored_body.h) on arbitrary bytes, over a store that
// holds one dictionary, id 1 (kDictionary below, a raw-content zstd dictionary). A stored body
// either decodes or is refused with Corruption, never anything else and never a crash; a body
// that decodes is stored again (Encode, with dictionary 1) and decodes back to itself. The seeds
// are bodies as the codec stores them: raw, compressed with dictionary 1 (simulated reports of
// several types, encoded by BodyCodec::Encode with kDictionary), compressed without one, and a
// few damaged ones.
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

#include "store/stored_body.h"

namespace {

using battrace::Result;
using battrace::StatusCode;
using battrace::store::common::BodyCodec;
using battrace::store::common::BodyDictionary;

constexpr std::string_view kDictionary =
    R"({"code":"101CB3600001UOG4T3000000","id":"bp-101CB3600001UOG4T3000000","mass_kg":1.697,)"
    R"("materials":{"co_kg":0.051,"li_kg":0.025,"mn_kg":0.051,"ni_kg":0.204},"model":"44-cell",)"
    R"("nominal_voltage_v":3.65,"occurred":"2026-04-02","parts":["101MB470000LIYG9G0090001"],)"
    R"("rated_capacity_ah":117,"rated_energy_kwh":0.427,"receipt":"replayed",)"
    R"("reported":"2026-04-03T06:01:09.000000Z","reporter":"91640106100100025P",)"
    R"("type":"battery.produced"})"
    R"({"codes":["101PB1600008V7G6B0099999"],"id":"ob-1","occurred":"2026-06-01",)"
    R"("reporter":"91440300100100003X","source":"repair","to":"91440300100100001A",)"
    R"("type":"battery.outbound","vin":"LGXAB1C00RA000007"})";

BodyCodec& Codec() {
  static BodyCodec codec({}, [](int64_t id) -> Result<std::optional<BodyDictionary>> {
    if (id != 1) return std::optional<BodyDictionary>();
    return std::optional<BodyDictionary>(BodyDictionary{1, 0, std::string(kDictionary)});
  });
  static const bool following = codec.Follow(1).ok();
  if (!following) std::abort();
  return codec;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  BodyCodec& codec = Codec();
  const std::string_view stored(reinterpret_cast<const char*>(data), size);
  std::string body;
  const auto decoded = codec.Decode(stored, body);
  if (!decoded.ok()) {
    if (decoded.code() != StatusCode::kCorruption || decoded.message().empty()) std::abort();
    return 0;
  }
  // A raw body is itself.
  if (stored.front() == '{' && body != stored) std::abort();
  const std::string again(codec.Encode(body));
  std::string back;
  if (!codec.Decode(again, back).ok() || back != body) std::abort();
  return 0;
}
