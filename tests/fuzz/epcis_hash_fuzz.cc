// Fuzz target: the CBV 2.0 event hash and the identifier forms under it. For any JSON object
// (an event, its @context taken from itself): the hash is the SHA-256 of the pre-hash string in
// the ni: form, and does not change when the event is recorded, named or declared in error. For
// any string in the input: CanonicalEpc is idempotent, and every spelling of a CBV value leads
// to the same bare word.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "epcis/cbv.h"
#include "epcis/epc.h"
#include "epcis/hash.h"
#include "ledger/hash.h"

namespace {

using battrace::epcis::Vocab;
using nlohmann::json;

void CheckIdentifier(std::string_view text) {
  const std::string once = battrace::epcis::CanonicalEpc(text);
  if (battrace::epcis::CanonicalEpc(once) != once) std::abort();
  for (Vocab vocab :
       {Vocab::kBizStep, Vocab::kDisposition, Vocab::kBizTransactionType, Vocab::kSourceDestType,
        Vocab::kErrorReason, Vocab::kComponent, Vocab::kMeasurementType, Vocab::kSensorAlertType}) {
    const std::string word = battrace::epcis::CbvWord(vocab, text);
    const std::string web = battrace::epcis::CbvWebUri(vocab, text);
    if (battrace::epcis::CbvWord(vocab, web) != word) std::abort();
    if (battrace::epcis::CbvWebUri(vocab, word) != web) std::abort();
  }
}

void CheckStrings(const json& value, int depth) {
  if (depth > 64) return;
  if (value.is_string()) CheckIdentifier(value.get_ref<const std::string&>());
  if (value.is_structured()) {
    for (const auto& [key, element] : value.items()) {
      CheckIdentifier(key);
      CheckStrings(element, depth + 1);
    }
  }
}

// Nesting levels of a JSON value; the hash recurses over them, and events reach it through
// ParseDocument, which refuses documents nested deeper than 64 levels.
size_t Depth(const json& value) {
  size_t deepest = 0;
  if (value.is_structured()) {
    for (const json& element : value)
      deepest = std::max(deepest, Depth(element));
  }
  return deepest + 1;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  if (size <= 256) CheckIdentifier(input);
  json event = json::parse(input, nullptr, /*allow_exceptions=*/false);
  if (event.is_discarded()) return 0;
  CheckStrings(event, 0);
  if (!event.is_object() || Depth(event) > 64) return 0;
  const json context = event.contains("@context") ? event["@context"] : json::array();
  const std::string pre = battrace::epcis::PreHashString(event, context);
  const std::string hash = battrace::epcis::EventHash(event, context);
  if (hash != "ni:///sha-256;" + battrace::ledger::HashToHex(battrace::ledger::Sha256({pre})) +
                  "?ver=CBV2.0") {
    std::abort();
  }
  // An event with its time: what the store adds, and an error declaration, leave the hash be.
  if (event.contains("eventTime")) {
    event["recordTime"] = "2024-01-01T00:00:00Z";
    event["eventID"] = "urn:uuid:00000000-0000-4000-8000-000000000000";
    event["errorDeclaration"] = {{"declarationTime", "2024-01-02T00:00:00Z"},
                                 {"reason", "incorrect_data"}};
    if (battrace::epcis::EventHash(event, context) != hash) std::abort();
  }
  return 0;
}
