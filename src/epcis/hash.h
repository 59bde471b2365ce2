// The CBV 2.0 event hash (GS1 CBV 2.0, section 8.9): a name for an EPCIS event computed from
// what the event says, the same whether the event came as JSON or XML, with EPCs in any of
// their spellings, CBV values as words, URNs or Web URIs, and times in any offset. battrace
// gives it as eventID to events captured without one and finds duplicates by it.
//
// The pre-hash string is the event's fields in a fixed order as "name=value" (nested fields
// follow their parent's name), the event's time fields in UTC to the millisecond, numbers in
// their shortest form, EPCs and other GS1 identifiers as canonical GS1 Digital Link URIs
// (epc.h), CBV values as Web URIs (cbv.h), then the fields the standard does not order (user
// extensions as "{namespace}name", ilmd, the business transaction, source and destination
// lists) sorted. eventID, recordTime and errorDeclaration are left out: an event keeps its hash
// when it is recorded or declared in error.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace battrace::epcis {

// "ni:///sha-256;<64 lower-case hex>?ver=CBV2.0" (RFC 6920 named information): the SHA-256 of
// the event's pre-hash string in UTF-8. `event` is one event in its JSON binding form (XML
// events through XmlToJson); `context` is the @context of the document it came in (or of the
// event itself), whose prefixes name the namespaces of user extensions. The event is walked
// recursively: it comes from a parsed document (document.h bounds its nesting).
std::string EventHash(const nlohmann::json& event, const nlohmann::json& context);

// The canonical pre-hash string of the event, which EventHash hashes.
std::string PreHashString(const nlohmann::json& event, const nlohmann::json& context);

}  // namespace battrace::epcis
