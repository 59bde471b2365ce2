// From a validated EPCIS document to the rows the store keeps (store::EpcisCapture): each
// event's identity (CBV 2.0 event hash, the eventID it is stored under, what makes two captures
// the same fact) and the columns the query filters on (docs/epcis.md, "Capture").
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "core/date.h"
#include "core/status.h"
#include "epcis/document.h"
#include "store/store.h"

namespace battrace::epcis {

// The columns of one event in JSON form, for the store and for the query's own matching of
// battrace's report events (epcis/query.h): type, action, bizStep and disposition as CBV
// words, readPoint and bizLocation ids and every EPC canonical (CanonicalEpc), eventTime and
// recordTime as instants in ms. The identity fields (hash, dedup, event_id, owner) and the
// body are left to the caller. Invalid when eventTime or recordTime is not RFC 3339 (the
// schema already asserts it for a captured document).
Result<store::EpcisEvent> EventColumns(const nlohmann::json& event);

// The capture of `document`'s events by the enterprise `owner` (its registered division
// `owner_division`) at `now`: for each event the hash (EventHash with the document's
// @context), the dedup key (the hash, and with an errorDeclaration "#" and the SHA-256 of its
// RFC 8785 form), the eventID (as supplied, else the hash), recordTime (now, in ms), and the
// columns; a fresh capture id. The body stored is the event with eventID and recordTime set.
Result<store::EpcisCapture> PrepareCapture(const Document& document, const std::string& owner,
                                           const std::string& owner_division, Instant now);

// "YYYY-MM-DDThh:mm:ss.sssZ" of an instant: the recordTime an event is stored with.
std::string RecordTime(Instant now);

}  // namespace battrace::epcis
