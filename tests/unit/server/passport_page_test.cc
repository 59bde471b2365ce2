// The public passport page (server/passport_page.h): its words from the compiled-in catalogs,
// escaping, the statuses of a malformed and an unregistered code, and that it shows nothing
// but the public digital ID of a battery whose full record has a custodian, a VIN and a model.
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

}  // namespace
}  // namespace battrace::server
