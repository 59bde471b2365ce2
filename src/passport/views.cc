#include "passport/views.h"

#include "core/battery_code.h"
#include "ledger/hash.h"

namespace battrace::passport {
namespace {

nlohmann::json Opt(const std::optional<std::string>& v) {
  return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

}  // namespace

// The passport's answer to "what now?" for a scanning owner, workshop or collector.
const char* RecyclingGuidance(const std::string& status, Lang lang) {
  const bool zh = lang == Lang::kZhCn;
  if (status == "utilized") {
    return zh ? "该电池已完成综合利用，不再作为电池存在。其记录保留在国家溯源管理平台中。"
              : "This battery has been recycled and no longer exists as a battery. Its record "
                "stays in the national traceability platform.";
  }
  if (status == "dismantled" || status == "received" || status == "in_transit") {
    return zh ? "该电池处于回收环节，只能随出库报告移交给已登记的回收服务网点或具备资质的综合利用"
                "企业；向其他任何单位或个人出售均属违法。"
              : "This battery is in the recycling chain. It may only be handed on to a "
                "registered recycling service outlet or a qualified comprehensive-utilization "
                "enterprise, with an outbound report; selling it to anyone else is unlawful.";
  }
  return zh ? "电池退役时，请将其（或整车）交给整车或电池生产企业的回收服务网点，或具备资质的报废"
              "机动车回收拆解企业或综合利用企业；请勿自行拆解。查询网点：GET "
              "/v1/outlets?division=<所在地行政区划代码>。"
            : "When this battery is retired, hand it (or the vehicle) to a recycling service "
              "outlet of the vehicle or battery maker, or to a qualified dismantler or recycler; "
              "do not dismantle it yourself. Outlets: GET /v1/outlets?division=<your division "
              "code>.";
}

nlohmann::json PublicDigitalId(const domain::BatteryState& b,
                               const std::optional<std::string>& maker_name, Lang lang) {
  nlohmann::json chemistry = nullptr;
  if (b.chemistry && b.chemistry->size() == 1) {
    const char* name = ChemistryName((*b.chemistry)[0]);
    chemistry = {{"code", *b.chemistry}, {"name", name ? nlohmann::json(name) : nullptr}};
  }
  nlohmann::json production_month = nullptr;
  if (auto code = BatteryCode::Parse(b.code, Strictness::kLenient); code.ok()) {
    production_month = code->production_date().ToString().substr(0, 7);
  }
  nlohmann::json maker = nullptr;
  if (b.producer) maker = {{"uscc", *b.producer}, {"name", Opt(maker_name)}};
  return {{"code", b.code},
          {"type", b.level},
          {"chemistry", chemistry},
          {"maker", maker},
          {"production_month", production_month},
          {"status", b.status},
          {"contested", b.contested.has_value()},
          {"recycling_guidance", RecyclingGuidance(b.status, lang)}};
}

nlohmann::json BatteryView(const access::BatteryRecord& record,
                           const std::optional<std::string>& maker_name, Lang lang) {
  nlohmann::json out = PublicDigitalId(record.state, maker_name, lang);
  out["view"] = record.full ? "full" : "public";
  if (!record.full) return out;
  const domain::BatteryState& b = record.state;
  out["model"] = Opt(b.model);
  out["parent"] = Opt(b.parent);
  out["parts"] = record.parts;
  out["custodian"] = Opt(b.custodian);
  out["vin"] = Opt(b.vin);
  out["digital_id_complete"] = b.id_complete;
  out["contested_by"] = Opt(b.contested);
  return out;
}

nlohmann::json BatteryListItem(const domain::BatteryState& b,
                               const std::optional<std::string>& custodian_name) {
  return {{"code", b.code},
          {"type", b.level},
          {"chemistry", Opt(b.chemistry)},
          {"model", Opt(b.model)},
          {"status", b.status},
          {"contested", b.contested.has_value()},
          {"custodian", Opt(b.custodian)},
          {"custodian_name", Opt(custodian_name)},
          {"vin", Opt(b.vin)},
          {"producer", Opt(b.producer)}};
}

nlohmann::json VehicleListItem(const domain::VehicleState& v) {
  return {{"vin", v.vin},
          {"maker", Opt(v.maker)},
          {"vehicle_type", Opt(v.vehicle_type)},
          {"brand", Opt(v.brand)},
          {"model", Opt(v.model)},
          {"name", Opt(v.name)},
          {"sale_date", Opt(v.sale_date)},
          {"sale_division", Opt(v.sale_division)},
          {"scrapped_date", Opt(v.scrapped_date)},
          {"packs", v.packs}};
}

nlohmann::json VehicleView(const access::VehicleRecord& record) {
  const domain::VehicleState& v = record.state;
  nlohmann::json packs = nlohmann::json::array();
  for (const auto& p : record.packs)
    packs.push_back({{"code", p.code}, {"status", p.status}, {"custodian", Opt(p.custodian)}});
  return {{"vin", v.vin},
          {"maker", Opt(v.maker)},
          {"vehicle_type", Opt(v.vehicle_type)},
          {"brand", Opt(v.brand)},
          {"model", Opt(v.model)},
          {"name", Opt(v.name)},
          {"imported", v.imported},
          {"swappable", v.swappable},
          {"sale_date", Opt(v.sale_date)},
          {"sale_division", Opt(v.sale_division)},
          {"scrapped_date", Opt(v.scrapped_date)},
          {"scrap_certificate", Opt(v.scrap_certificate)},
          {"packs", packs},
          {"history", [&] {
             nlohmann::json h = nlohmann::json::array();
             for (const auto& r : record.history)
               h.push_back(ReportView(r));
             return h;
           }()}};
}

nlohmann::json ReportView(const store::StoredReport& r) {
  nlohmann::json out = {{"leaf_index", r.leaf_index},
                        {"leaf_hash", ledger::HashToBase64(r.leaf_hash)},
                        {"report", nlohmann::json::parse(r.body, nullptr, false)}};
  // The links between a report and its corrections, both ways (docs/api.md).
  const nlohmann::json& report = out["report"];
  if (report.is_object() && report.value("type", "") == "correction" &&
      report.contains("corrects") && report["corrects"].is_string()) {
    out["corrects"] = r.reporter + "/" + report["corrects"].get<std::string>();
  }
  if (r.corrected_by) out["corrected_by"] = *r.corrected_by;
  return out;
}

}  // namespace battrace::passport
