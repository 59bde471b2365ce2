// Fuzz target for the EU passport builder (src/passport/eu.h) over stored report bodies of any
// shape: the input is a JSON array of stored reports, each {"type", "reporter", "id", ...body}.
// AddEuSources must answer (never throw); EuPassport must build at every access class, dump as
// JSON, and each class's fields must be within the next higher class's.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "passport/eu.h"

namespace {

using Json = nlohmann::json;

void Require(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "eu_passport_fuzz: %s\n", what);
  std::abort();
}

void Paths(const Json& j, const std::string& at, std::set<std::string>& out) {
  if (j.is_object()) {
    for (const auto& [k, v] : j.items())
      Paths(v, at + "/" + k, out);
  } else if (j.is_array()) {
    for (const Json& v : j)
      Paths(v, at + "/[]", out);
  } else {
    out.insert(at);
  }
}

std::set<std::string> Fields(const Json& passport) {
  std::set<std::string> out;
  for (const auto& [k, v] : passport.items()) {
    if (k != "access" && k != "provenance") Paths(v, "/" + k, out);
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const Json input =
      Json::parse(std::string_view(reinterpret_cast<const char*>(data), size), nullptr, false);
  if (input.is_discarded() || !input.is_array()) return 0;
  std::vector<battrace::store::StoredReport> history;
  uint64_t leaf = 0;
  for (const Json& item : input) {
    if (!item.is_object()) continue;
    battrace::store::StoredReport r;
    r.leaf_index = leaf++;
    auto text = [&](const char* key) {
      auto it = item.find(key);
      return it != item.end() && it->is_string() ? it->get<std::string>() : std::string();
    };
    r.type = text("type");
    r.reporter = text("reporter");
    r.id = text("id");
    r.occurred = text("occurred");
    r.body = item.dump();
    history.push_back(std::move(r));
  }
  battrace::passport::EuPassportInputs in;
  in.battery.code = "114PE24000000SG570099999";
  in.battery.level = "pack";
  in.battery.producer = "91440300000000001H";
  in.battery.chemistry = "E";
  in.battery.status = size % 3 == 0 ? "utilized" : "installed";
  Require(battrace::passport::AddEuSources(history, in).ok(), "stored JSON objects refused");
  std::set<std::string> lower;
  for (auto access :
       {battrace::passport::EuAccess::kPublic, battrace::passport::EuAccess::kLegitimate,
        battrace::passport::EuAccess::kAuthority}) {
    const Json passport = battrace::passport::EuPassport(in, access);
    (void)passport.dump();  // throws on text that is not UTF-8
    const std::set<std::string> fields = Fields(passport);
    for (const std::string& f : lower)
      Require(fields.count(f) == 1, "a lower class has a field the higher class lacks");
    lower = fields;
  }
  return 0;
}
