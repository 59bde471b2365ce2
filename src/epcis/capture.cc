#include "epcis/capture.h"

#include <sodium.h>

#include <algorithm>
#include <utility>

#include "epcis/cbv.h"
#include "epcis/epc.h"
#include "epcis/hash.h"
#include "ledger/canonical_json.h"
#include "ledger/hash.h"

namespace battrace::epcis {
namespace {

using Json = nlohmann::json;

// Milliseconds of an instant (microseconds), rounded down also before 1970.
int64_t Millis(Instant t) {
  return t >= 0 ? t / 1000 : -((-t + 999) / 1000);
}

Result<int64_t> TimeMillis(const Json& event, const char* name) {
  auto it = event.find(name);
  if (it == event.end() || !it->is_string()) return int64_t{0};
  BATTRACE_ASSIGN_OR_RETURN(t, ParseTimestamp(it->get<std::string>(), std::string("/") + name));
  return Millis(t);
}

std::string StringMember(const Json& event, const char* name) {
  auto it = event.find(name);
  return it != event.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// The id of readPoint / bizLocation ({"id": ...}), canonical.
std::string LocationId(const Json& event, const char* name) {
  auto it = event.find(name);
  if (it == event.end() || !it->is_object()) return "";
  auto id = it->find("id");
  return id != it->end() && id->is_string() ? CanonicalEpc(id->get<std::string>()) : "";
}

void AddEpcs(const Json& event, const char* list, const char* role, store::EpcisEvent* row) {
  auto it = event.find(list);
  if (it == event.end() || !it->is_array()) return;
  for (const Json& epc : *it) {
    if (epc.is_string()) row->epcs.emplace_back(role, CanonicalEpc(epc.get<std::string>()));
  }
}

void AddClasses(const Json& event, const char* list, store::EpcisEvent* row) {
  auto it = event.find(list);
  if (it == event.end() || !it->is_array()) return;
  for (const Json& q : *it) {
    if (!q.is_object()) continue;
    auto c = q.find("epcClass");
    if (c != q.end() && c->is_string()) {
      row->epcs.emplace_back("class", CanonicalEpc(c->get<std::string>()));
    }
  }
}

std::string RandomHex(size_t bytes) {
  std::string raw(bytes, '\0');
  randombytes_buf(raw.data(), raw.size());
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char ch : raw) {
    out += kHex[ch >> 4];
    out += kHex[ch & 15];
  }
  return out;
}

// The prefix declarations of a document's @context (its objects; the strings are the
// standard contexts): carried by each stored event, so that a query document, which mixes
// events of many captures, still says what each event's "prefix:name" keys mean.
Json PrefixDeclarations(const Json& context) {
  Json out = Json::array();
  if (context.is_object()) out.push_back(context);
  if (context.is_array()) {
    for (const Json& c : context) {
      if (c.is_object()) out.push_back(c);
    }
  }
  return out;
}

}  // namespace

std::string RecordTime(Instant now) {
  // FormatTimestamp gives microseconds; EPCIS times are written to the millisecond.
  const std::string t = FormatTimestamp(now - (now % 1000 + 1000) % 1000);
  return t.substr(0, 23) + "Z";
}

Result<store::EpcisEvent> EventColumns(const Json& event) {
  store::EpcisEvent row;
  row.type = StringMember(event, "type");
  BATTRACE_ASSIGN_OR_RETURN(event_time, TimeMillis(event, "eventTime"));
  BATTRACE_ASSIGN_OR_RETURN(record_time, TimeMillis(event, "recordTime"));
  row.event_time = event_time;
  row.record_time = record_time;
  row.action = StringMember(event, "action");
  if (auto v = StringMember(event, "bizStep"); !v.empty())
    row.biz_step = CbvWord(Vocab::kBizStep, v);
  if (auto v = StringMember(event, "disposition"); !v.empty()) {
    row.disposition = CbvWord(Vocab::kDisposition, v);
  }
  row.read_point = LocationId(event, "readPoint");
  row.biz_location = LocationId(event, "bizLocation");
  AddEpcs(event, "epcList", "epc", &row);
  AddEpcs(event, "childEPCs", "child", &row);
  if (auto p = StringMember(event, "parentID"); !p.empty()) {
    row.epcs.emplace_back("parent", CanonicalEpc(p));
  }
  AddEpcs(event, "inputEPCList", "input", &row);
  AddEpcs(event, "outputEPCList", "output", &row);
  for (const char* list :
       {"quantityList", "childQuantityList", "inputQuantityList", "outputQuantityList"}) {
    AddClasses(event, list, &row);
  }
  std::sort(row.epcs.begin(), row.epcs.end());
  row.epcs.erase(std::unique(row.epcs.begin(), row.epcs.end()), row.epcs.end());
  return row;
}

Result<store::EpcisCapture> PrepareCapture(const Document& document, const std::string& owner,
                                           const std::string& owner_division, Instant now) {
  store::EpcisCapture capture;
  capture.capture_id = RandomHex(16);
  capture.owner = owner;
  capture.created = now;
  const std::string record_time = RecordTime(now);
  const Json prefixes = PrefixDeclarations(document.context);
  capture.events.reserve(document.events.size());
  for (size_t i = 0; i < document.events.size(); ++i) {
    Json body = document.events[i];
    const std::string hash = EventHash(body, document.context);
    body["recordTime"] = record_time;
    if (!body.contains("eventID")) body["eventID"] = hash;
    if (!body.contains("@context") && !prefixes.empty()) body["@context"] = prefixes;
    auto columns = EventColumns(body);
    if (!columns.ok()) {
      return columns.status().WithFieldPrefix("/epcisBody/eventList/" + std::to_string(i));
    }
    store::EpcisEvent row = std::move(columns).value();
    row.hash = hash;
    row.dedup = hash;
    if (auto decl = body.find("errorDeclaration"); decl != body.end()) {
      BATTRACE_ASSIGN_OR_RETURN(canonical, ledger::CanonicalJson(*decl));
      row.dedup += "#" + ledger::HashToHex(ledger::Sha256({canonical}));
    }
    row.event_id = body["eventID"].is_string() ? body["eventID"].get<std::string>() : hash;
    row.owner = owner;
    row.owner_division = owner_division;
    row.capture_id = capture.capture_id;
    row.body = body.dump(-1, ' ', false, Json::error_handler_t::replace);
    capture.events.push_back(std::move(row));
  }
  return capture;
}

}  // namespace battrace::epcis
