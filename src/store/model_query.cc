#include "store/model_query.h"

#include <nlohmann/json.hpp>

namespace battrace::store::common {

bool IsAboutModel(const StoredReport& report, const std::string& vehicle_model) {
  const auto body = nlohmann::json::parse(report.body, nullptr, false);
  const auto model = body.is_object() ? body.find("vehicle_model") : body.end();
  return model != body.end() && model->is_string() && *model == vehicle_model;
}

namespace {

// The body of a stored report as it stands after its latest correction: the corrected report a
// correction carries, or its own.
Result<nlohmann::json> BodyInForce(Store& store, const StoredReport& report) {
  if (report.corrected_by) {
    const size_t slash = report.corrected_by->find('/');
    BATTRACE_ASSIGN_OR_RETURN(correction, store.GetReport(report.corrected_by->substr(0, slash),
                                                          report.corrected_by->substr(slash + 1)));
    if (!correction) return Status::Corruption("correction " + *report.corrected_by + " missing");
    auto body = nlohmann::json::parse(correction->body, nullptr, false);
    if (!body.is_object() || !body.contains("report")) {
      return Status::Corruption("correction " + *report.corrected_by + " has no report");
    }
    return body["report"];
  }
  auto body = nlohmann::json::parse(report.body, nullptr, false);
  if (!body.is_object())
    return Status::Corruption("report at leaf " + std::to_string(report.leaf_index) +
                              " is not a JSON object");
  return body;
}

std::string StringMember(const nlohmann::json& body, const char* key) {
  const auto it = body.find(key);
  return it != body.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

Result<std::vector<StoredReport>> DeclarationsOf(Store& store, std::vector<StoredReport> declared,
                                                 const std::string& model) {
  BATTRACE_RETURN_IF_ERROR(LinkCorrections(store, declared));
  std::vector<StoredReport> out;
  for (StoredReport& r : declared) {
    BATTRACE_ASSIGN_OR_RETURN(body, BodyInForce(store, r));
    if (StringMember(body, "model") == model) out.push_back(std::move(r));
  }
  return out;
}

Result<std::optional<std::string>> DigitalLinkHolder(
    Store& store, const std::vector<domain::BatteryState>& candidates, const std::string& gtin14) {
  for (const domain::BatteryState& b : candidates) {
    if (!b.producer || !b.model) continue;
    BATTRACE_ASSIGN_OR_RETURN(declared, store.ModelDeclarations(*b.producer, *b.model));
    if (declared.empty()) continue;
    BATTRACE_ASSIGN_OR_RETURN(body, BodyInForce(store, declared.back()));
    if (StringMember(body, "gtin") == gtin14) return std::optional<std::string>(b.code);
  }
  return std::optional<std::string>();
}

}  // namespace battrace::store::common
