// The standard vocabularies of GS1 CBV 2.0 that EPCIS events use, in the three spellings the
// standard allows for the same value: the bare word of the JSON binding ("shipping"), the URN of
// EPCIS 1.x and the XML binding ("urn:epcglobal:cbv:bizstep:shipping") and the Web URI
// ("https://ref.gs1.org/cbv/BizStep-shipping"). Queries and the store compare bare words; the
// event hash (CBV 2.0 section 8.9) hashes Web URIs.
#pragma once

#include <string>
#include <string_view>

namespace battrace::epcis {

enum class Vocab {
  kBizStep,             // bizStep
  kDisposition,         // disposition, persistentDisposition set/unset
  kBizTransactionType,  // bizTransactionList[].type
  kSourceDestType,      // sourceList[].type, destinationList[].type
  kErrorReason,         // errorDeclaration.reason
  kComponent,           // sensorReport.component
  kMeasurementType,     // sensorReport.type (GS1 Web Vocabulary, https://gs1.org/voc/)
  kSensorAlertType,     // sensorReport.exception (GS1 Web Vocabulary)
};

// The bare word of a standard value of `vocab` given in any spelling ("shipping" for
// "urn:epcglobal:cbv:bizstep:shipping"); any other value (a user-defined URI, a misspelling)
// unchanged.
std::string CbvWord(Vocab vocab, std::string_view value);

// The Web URI of a standard value of `vocab` given in any spelling; any other value unchanged.
std::string CbvWebUri(Vocab vocab, std::string_view value);

// `value` with a leading CBV URN prefix ("urn:epcglobal:cbv:bizstep:", ...disp:, ...btt:,
// ...sdt:, ...er:) replaced by its vocabulary's Web URI prefix, whether or not the word after it
// is a standard one: the event hash rewrites such URNs in every field, where CbvWebUri knows
// the field's vocabulary. Anything else unchanged.
std::string CbvUrnAsWebUri(std::string_view value);

}  // namespace battrace::epcis
