// The public passport page (server/passport_page.h): its words from the compiled-in catalogs,
// escaping, the statuses of a malformed and an unregistered code, that it shows nothing but the
// public digital ID of a battery whose full record has a custodian, a VIN and a model, and of
// its EU passport what the public may read; the pages of a GS1 Digital Link leading nowhere.
// GCC 12 at -O1 with the sanitizers takes std::regex's state copies for reads of uninitialized
// storage: a false positive that -Werror would make fatal in the sanitized build.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

#include "server/passport_page.h"

#include <gtest/gtest.h>

#include <regex>
#include <string>

#include "core/battery_code.h"
#include "passport/eu.h"
#include "passport/views.h"

namespace battrace::server {
namespace {

constexpr const char* kCode = "114PE24000000SG570099999";
constexpr const char* kCustodian = "91440300MA5G0Q8X3T";
constexpr const char* kVin = "LGXAB1C09RA000123";

domain::BatteryState FullRecord() {
  domain::BatteryState b;
  b.code = kCode;
  b.level = "pack";
  b.producer = "91350900587527783P";
  b.chemistry = "E";
  b.model = "SECRET-MODEL-7";
  b.parent = "PARENT-CODE-XYZ";
  b.custodian = kCustodian;
  b.vin = kVin;
  b.status = "installed";
  b.produced_leaf = 3;
  return b;
}

Passport Registered(Lang lang, const std::optional<std::string>& maker = "宁德示例电池有限公司") {
  Passport p;
  p.requested = kCode;
  p.check = BatteryCode::Check(kCode, Strictness::kLenient);
  p.id = passport::PublicDigitalId(FullRecord(), maker, lang);
  p.province = "440000";
  p.outlets = {{"OUT-1", "440305", "深圳市 南山区", "示例回收网点运营公司"},
               {"OUT-2", "440106", "广州市 天河区", std::nullopt}};
  p.receipt = nlohmann::json{{"leaf_index", 3},
                             {"leaf_hash", "q3zP7n2Lr0mE0v5Qm8T3gkQWm0v7kY9aYkP1n3vZ0eU="},
                             {"tree_size", 9},
                             {"hashes", nlohmann::json::array({"AAAA", "BBBB"})},
                             {"note", "test/ledger\n9\nroot=\n\n\u2014 test/ledger sig\n"},
                             {"key", "test/ledger+01020304+AQ=="}};
  return p;
}

// A catalog key ("/passport/receipt/ok") left in the page means a word the catalog lacks.
void ExpectEveryWordFound(const std::string& html) {
  static const std::regex key("/(passport|common|outlets)/[a-z_A-Z/]+");
  std::smatch m;
  EXPECT_FALSE(std::regex_search(html, m, key)) << "missing word: " << m.str();
}

TEST(PassportWords, BothCatalogsAreCompiledInAndHaveTheSameKeys) {
  const PageWords& en = PassportWords(Lang::kEn);
  const PageWords& zh = PassportWords(Lang::kZhCn);
  EXPECT_EQ(en.Get("/passport/heading"), "Battery passport");
  EXPECT_EQ(zh.Get("/passport/heading"), "动力电池护照");
  EXPECT_EQ(en.Get("/passport/outlets/count", {{"count", "3"}, {"province", "Guangdong"}}),
            "3 open recycling service outlets in Guangdong:");
  EXPECT_EQ(en.Get("/common/switch_to"), "中文");
  EXPECT_EQ(en.Get("/no/such/key"), "/no/such/key");
  EXPECT_EQ(en.Get("not a pointer"), "not a pointer");
  EXPECT_EQ(en.Get("/passport/outlets"), "/passport/outlets");  // an object, not a word
}

TEST(PassportPage, ShowsThePublicDigitalIdAndNothingOfTheFullRecord) {
  for (const Lang lang : {Lang::kZhCn, Lang::kEn}) {
    const Passport p = Registered(lang);
    EXPECT_EQ(PassportStatus(p), 200);
    const std::string html = RenderPassport(p, PassportWords(lang));
    EXPECT_NE(html.find(kCode), std::string::npos);
    EXPECT_NE(html.find("宁德示例电池有限公司"), std::string::npos);
    EXPECT_NE(html.find("2026-05"), std::string::npos);  // the production month
    EXPECT_NE(html.find("示例回收网点运营公司"), std::string::npos);
    EXPECT_NE(html.find("深圳市 南山区"), std::string::npos);
    for (const char* secret : {kCustodian, kVin, "SECRET-MODEL-7", "PARENT-CODE-XYZ"})
      EXPECT_EQ(html.find(secret), std::string::npos) << secret;
    ExpectEveryWordFound(html);
    EXPECT_NE(html.find("<html lang=\"" + std::string(LangTag(lang)) + "\">"), std::string::npos);
    EXPECT_EQ(html.find(" style="), std::string::npos);
    EXPECT_EQ(html.find("<script>"), std::string::npos);  // no inline script
    EXPECT_NE(html.find("<script type=\"module\" src=\"/assets/js/receipt.mjs\">"),
              std::string::npos);
  }
  const std::string en = RenderPassport(Registered(Lang::kEn), PassportWords(Lang::kEn));
  EXPECT_NE(en.find("Installed in a vehicle"), std::string::npos);
  EXPECT_NE(en.find("Not checked (JavaScript off)"), std::string::npos);
  EXPECT_NE(en.find("<option value=\"440000\" selected>"), std::string::npos);
  EXPECT_NE(en.find("href=\"/b/114PE24000000SG570099999?lang=zh-CN&amp;province=440000\""),
            std::string::npos);
}

TEST(PassportPage, EscapesEveryValue) {
  Passport p = Registered(Lang::kEn, "<script>alert(1)</script> & \"Co\"");
  p.outlets[0].operator_name = "<img src=x onerror=alert(2)>";
  p.receipt->at("note") = "</script><script>alert(3)</script>";
  const std::string html = RenderPassport(p, PassportWords(Lang::kEn));
  EXPECT_EQ(html.find("<script>alert"), std::string::npos);
  EXPECT_EQ(html.find("<img src=x"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Co&quot;"),
            std::string::npos);
  // In the embedded JSON, no "</script>" closes the element early.
  const size_t data = html.find("<script type=\"application/json\" id=\"receipt\">");
  ASSERT_NE(data, std::string::npos);
  const size_t end = html.find("</script>", data);
  EXPECT_NE(html.substr(data, end - data).find("\\u003c/script\\u003e"), std::string::npos);
  EXPECT_EQ(html.find("alert(3)</script>"), std::string::npos);
}

TEST(PassportPage, AMalformedCodeIs400NamingItsRule) {
  Passport p;
  p.requested = "114PE24000000SG57009999<x>";
  p.check = BatteryCode::Check(p.requested, Strictness::kLenient);
  ASSERT_FALSE(p.check.valid);
  EXPECT_EQ(PassportStatus(p), 400);
  const std::string en = RenderPassport(p, PassportWords(Lang::kEn));
  EXPECT_NE(en.find("This is not a valid battery code"), std::string::npos);
  EXPECT_NE(en.find("<code>" + p.check.errors.front().rule + "</code>"), std::string::npos);
  EXPECT_EQ(en.find("<x>"), std::string::npos);
  EXPECT_NE(en.find("/b/114PE24000000SG57009999%3Cx%3E?lang=zh-CN"), std::string::npos);
  const std::string zh = RenderPassport(p, PassportWords(Lang::kZhCn));
  EXPECT_NE(zh.find("这不是有效的电池编码"), std::string::npos);
  EXPECT_NE(zh.find("电池编码长度不符合 GB/T 34014"), std::string::npos);  // the rule's sentence
  ExpectEveryWordFound(en);
  ExpectEveryWordFound(zh);
}

TEST(PassportPage, AWellFormedUnknownCodeIs404WithItsDecodedFields) {
  Passport p;
  p.requested = "114pe24000000sg570099999";
  p.check = BatteryCode::Check(p.requested, Strictness::kLenient);
  EXPECT_EQ(PassportStatus(p), 404);
  const std::string en = RenderPassport(p, PassportWords(Lang::kEn));
  EXPECT_NE(en.find("Not registered"), std::string::npos);
  EXPECT_NE(en.find(kCode), std::string::npos);  // normalized
  EXPECT_NE(en.find("Ternary (NCM/NCA)"), std::string::npos);
  EXPECT_NE(en.find("Battery pack"), std::string::npos);
  EXPECT_NE(en.find("2026-05-07"), std::string::npos);
  EXPECT_EQ(en.find("id=\"receipt\""), std::string::npos);
  ExpectEveryWordFound(en);
  ExpectEveryWordFound(RenderPassport(p, PassportWords(Lang::kZhCn)));
}

TEST(PassportPage, EveryStatusHasItsWordsAndAContestedBatteryIsShownAsSuch) {
  for (const char* status : {"referenced", "produced", "installed", "removed", "in_transit",
                             "received", "dismantled", "utilized"}) {
    for (const Lang lang : {Lang::kZhCn, Lang::kEn}) {
      domain::BatteryState b = FullRecord();
      b.status = status;
      b.contested = "91440300MA5G0Q8X3T/r-9";
      Passport p = Registered(lang);
      p.id = passport::PublicDigitalId(b, std::nullopt, lang);
      const std::string html = RenderPassport(p, PassportWords(lang));
      ExpectEveryWordFound(html);
      EXPECT_NE(html.find("passport-contested"), std::string::npos);
      EXPECT_EQ(html.find("91440300MA5G0Q8X3T/r-9"), std::string::npos);
    }
  }
}

TEST(PassportPage, AReceiptNoCheckpointCoversYetSaysSoAndIsNotChecked) {
  Passport p = Registered(Lang::kEn);
  p.receipt = nlohmann::json{{"leaf_index", 12}, {"leaf_hash", "q3zP"}, {"pending", true}};
  const std::string en = RenderPassport(p, PassportWords(Lang::kEn));
  EXPECT_NE(en.find("is not in a signed checkpoint yet"), std::string::npos);
  EXPECT_EQ(en.find("id=\"receipt\""), std::string::npos);  // nothing for the script to check
  EXPECT_EQ(en.find("id=\"receipt-status\""), std::string::npos);
  p.receipt.reset();
  EXPECT_NE(RenderPassport(p, PassportWords(Lang::kEn))
                .find("The platform holds no production report of this battery."),
            std::string::npos);
}

TEST(PassportPage, ABadProvinceIsAPageNamingTheFieldAndRule) {
  const Status bad = Status::Invalid("province", "passport.province", "got \"440300\"");
  const std::string zh = RenderPassportError(kCode, bad, PassportWords(Lang::kZhCn));
  EXPECT_NE(zh.find("字段 province："), std::string::npos);
  EXPECT_NE(zh.find("<code>passport.province</code>"), std::string::npos);
  EXPECT_NE(zh.find("&quot;440300&quot;"), std::string::npos);
  ExpectEveryWordFound(zh);
}

// The EU passport at the public's access class of a battery made from the reports `bodies`
// (stored form, in ledger order), as LoadPassport gives it to the page.
nlohmann::json PublicEu(const std::vector<nlohmann::json>& bodies) {
  passport::EuPassportInputs in;
  in.battery = FullRecord();
  std::vector<store::StoredReport> history;
  for (const nlohmann::json& body : bodies) {
    store::StoredReport r;
    r.leaf_index = history.size();
    r.reporter = body.value("reporter", std::string("91350900587527783P"));
    r.id = "r" + std::to_string(history.size());
    r.type = body["type"];
    r.occurred = body["occurred"];
    r.body = body.dump();
    history.push_back(std::move(r));
  }
  EXPECT_TRUE(passport::AddEuSources(history, in).ok());
  return passport::EuPassport(in, passport::EuAccess::kPublic);
}

nlohmann::json Declared() {
  return nlohmann::json::parse(R"({
    "type": "battery_model.declared", "occurred": "2026-03-01", "model": "SECRET-MODEL-7",
    "category": "ev",
    "chemistry": {"short_name": "NCM811", "clear_name": "lithium nickel cobalt manganese oxide"},
    "carbon_footprint": {"per_kwh": 61.5, "class": "B",
      "stages": {"raw_material_extraction": 40.1, "main_production": 15.2, "distribution": 1.1,
                 "recycling": 5.1},
      "study": "https://example.com/SECRET-MODEL-7/cfp.pdf"},
    "recycled_content": {"nickel": {"pre_consumer": 4.0, "post_consumer": 8.0},
                         "cobalt": {"pre_consumer": 0.5, "post_consumer": 12.25}},
    "renewable_content_pct": 12.0,
    "materials": [{"name": "NCM811", "mass_kg": 120.5, "critical": true, "component": "cathode"}],
    "hazardous_substances": [{"name": "LiPF6", "cas": "21324-40-3", "class": "acute_toxicity",
                              "concentration_pct": 1.2, "component": "electrolyte"}],
    "extinguishing_agents": ["water", "CO2 <b>"],
    "lifetime": {"expected_years": 10, "cycle_life": 3000, "cycle_life_test": "GB/T 31484-2015",
                 "capacity_threshold_pct": 70},
    "electrical": {"internal_resistance_mohm": 80, "round_trip_efficiency_pct": 94},
    "warranty_months": 96})");
}

TEST(PassportPage, TheEuPassportShowsWhatThePublicMayReadInBothLanguages) {
  const nlohmann::json eu = PublicEu({Declared()});
  const std::string identifier = eu["passportIdentifier"];
  for (const Lang lang : {Lang::kZhCn, Lang::kEn}) {
    Passport p = Registered(lang);
    p.eu = eu;
    const std::string html = RenderPassport(p, PassportWords(lang));
    ExpectEveryWordFound(html);
    EXPECT_NE(html.find(identifier), std::string::npos);
    for (const char* shown :
         {"61.5", ">B<", "40.1", "15.2", "1.1", "5.1", "12.25", "3000", "LiPF6", "NCM811",
          "water, CO2 &lt;b&gt;", "href=\"/b/114PE24000000SG570099999?format=json\""}) {
      EXPECT_NE(html.find(shown), std::string::npos) << shown;
    }
    // Neither a material's mass (commercial) nor the model's name (in the study's URL here);
    // nothing unescaped.
    for (const char* hidden : {"120.5", "SECRET-MODEL-7", "CO2 <b>"})
      EXPECT_EQ(html.find(hidden), std::string::npos) << hidden;
  }
  const std::string en = [&] {
    Passport p = Registered(Lang::kEn);
    p.eu = eu;
    return RenderPassport(p, PassportWords(Lang::kEn));
  }();
  for (const char* word :
       {"EU battery passport", "Electric vehicle battery", "61.5 kg CO₂e per kWh",
        "Raw material acquisition and pre-processing", "End of life and recycling", "Nickel",
        "Cobalt", "12 %", "8 %", "3000 cycles", "70 %"}) {
    EXPECT_NE(en.find(word), std::string::npos) << word;
  }
  Passport p = Registered(Lang::kZhCn);
  p.eu = eu;
  const std::string zh = RenderPassport(p, PassportWords(Lang::kZhCn));
  for (const char* word : {"欧盟电池护照", "电动汽车电池", "61.5 千克二氧化碳当量/千瓦时",
                           "原材料获取和预处理", "镍", "钴", "12%"}) {
    EXPECT_NE(zh.find(word), std::string::npos) << word;
  }
}

TEST(PassportPage, WithoutADeclarationTheEuPassportIsOneLine) {
  Passport p = Registered(Lang::kEn);
  p.eu = PublicEu({});
  const std::string en = RenderPassport(p, PassportWords(Lang::kEn));
  EXPECT_NE(en.find("has declared no EU passport data for its model."), std::string::npos);
  EXPECT_EQ(en.find("?format=json"), std::string::npos);
  EXPECT_EQ(en.find("Carbon footprint"), std::string::npos);
  ExpectEveryWordFound(en);
}

TEST(PassportPage, ARemadeBatteryLinksItsOriginsAndAUtilizedOneIsCeased) {
  nlohmann::json produced = {{"type", "battery.produced"},
                             {"occurred", "2026-04-01"},
                             {"code", kCode},
                             {"origin_codes", {"114PE24000000SG570000001"}},
                             {"origin_kind", "repurposed"}};
  nlohmann::json utilized = {{"type", "battery.utilized"},
                             {"occurred", "2026-09-30"},
                             {"reporter", "91440300MA5G0Q8X3T"},
                             {"codes", {kCode}}};
  for (const Lang lang : {Lang::kZhCn, Lang::kEn}) {
    Passport p = Registered(lang);
    p.eu = PublicEu({produced, utilized});
    const std::string html = RenderPassport(p, PassportWords(lang));
    ExpectEveryWordFound(html);
    EXPECT_NE(html.find("href=\"/b/114PE24000000SG570000001\""), std::string::npos);
    EXPECT_NE(html.find(passport::EuPassportIdentifier("114PE24000000SG570000001")),
              std::string::npos);
    EXPECT_NE(html.find("passport-ceased"), std::string::npos);
    EXPECT_NE(html.find("2026-09-30"), std::string::npos);
  }
}

TEST(DigitalLinkPage, NamesTheRuleOrSaysNoBatteryHoldsThePair) {
  const Status bad = Status::Invalid("gtin", "gtin.check_digit", "the check digit is 2, not 3");
  const std::string en =
      RenderDigitalLinkProblem("06901234567893", "A1<b>", bad, PassportWords(Lang::kEn));
  EXPECT_NE(en.find("This is not a valid GS1 Digital Link"), std::string::npos);
  EXPECT_NE(en.find("<code>gtin.check_digit</code>"), std::string::npos);
  EXPECT_NE(en.find("Field gtin:"), std::string::npos);
  EXPECT_NE(en.find("A1&lt;b&gt;"), std::string::npos);
  EXPECT_NE(en.find("href=\"?lang=zh-CN\""), std::string::npos);
  ExpectEveryWordFound(en);
  const std::string zh = RenderDigitalLinkProblem("06901234567892", "A1", Status::NotFound("none"),
                                                  PassportWords(Lang::kZhCn));
  EXPECT_NE(zh.find("没有电池以该 GTIN 和序列号登记"), std::string::npos);
  EXPECT_NE(zh.find("<html lang=\"zh-CN\">"), std::string::npos);
  ExpectEveryWordFound(zh);
}

}  // namespace
}  // namespace battrace::server
