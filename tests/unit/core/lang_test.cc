#include "core/lang.h"

#include <gtest/gtest.h>

namespace battrace {
namespace {

TEST(LangTest, AcceptLanguageChoosesSimplifiedChineseForItsTags) {
  EXPECT_EQ(NegotiateLang("zh"), Lang::kZhCn);
  EXPECT_EQ(NegotiateLang("zh-CN"), Lang::kZhCn);
  EXPECT_EQ(NegotiateLang("zh-Hans"), Lang::kZhCn);
  EXPECT_EQ(NegotiateLang("ZH-cn"), Lang::kZhCn);
  EXPECT_EQ(NegotiateLang("zh-Hans-CN"), Lang::kZhCn);
  EXPECT_EQ(NegotiateLang("zh-SG"), Lang::kZhCn);
}

TEST(LangTest, AcceptLanguageDefaultsToEnglish) {
  EXPECT_EQ(NegotiateLang(""), Lang::kEn);
  EXPECT_EQ(NegotiateLang("en-US"), Lang::kEn);
  EXPECT_EQ(NegotiateLang("fr-FR, de"), Lang::kEn);
  EXPECT_EQ(NegotiateLang("*"), Lang::kEn);
  // Traditional Chinese is not spoken: English, not Simplified.
  EXPECT_EQ(NegotiateLang("zh-TW"), Lang::kEn);
  EXPECT_EQ(NegotiateLang("zh-Hant"), Lang::kEn);
  EXPECT_EQ(NegotiateLang("zh-Hant-HK, fr"), Lang::kEn);
  // Garbage never fails: the default.
  EXPECT_EQ(NegotiateLang(";;,,;q=x"), Lang::kEn);
}

TEST(LangTest, AcceptLanguageWeighsQValues) {
  EXPECT_EQ(NegotiateLang("en;q=0.5, zh-CN;q=0.9"), Lang::kZhCn);
  EXPECT_EQ(NegotiateLang("zh-CN;q=0.4, en;q=0.8"), Lang::kEn);
  EXPECT_EQ(NegotiateLang("fr, zh;q=0.1"), Lang::kZhCn);  // the only spoken one
  EXPECT_EQ(NegotiateLang("zh;q=0, en"), Lang::kEn);      // q=0: not acceptable
  EXPECT_EQ(NegotiateLang("zh;q=0"), Lang::kEn);
  EXPECT_EQ(NegotiateLang("zh-CN ; q=1.000"), Lang::kZhCn);
  // Ties go to the first listed.
  EXPECT_EQ(NegotiateLang("zh;q=0.7, en;q=0.7"), Lang::kZhCn);
  EXPECT_EQ(NegotiateLang("en, zh"), Lang::kEn);
  // A malformed q-value makes its range unacceptable, not the header.
  EXPECT_EQ(NegotiateLang("zh;q=2, en;q=0.1"), Lang::kEn);
  EXPECT_EQ(NegotiateLang("en;q=0.1234, zh;q=0.1"), Lang::kZhCn);
}

TEST(LangTest, OptionTakesEnglishOrSimplifiedChinese) {
  EXPECT_EQ(*ParseLang("zh-CN", "--lang"), Lang::kZhCn);
  EXPECT_EQ(*ParseLang("zh-cn", "--lang"), Lang::kZhCn);
  EXPECT_EQ(*ParseLang("en", "--lang"), Lang::kEn);
  auto bad = ParseLang("fr", "--lang");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().rule(), "lang.unknown");
  EXPECT_EQ(bad.status().field(), "--lang");
  EXPECT_EQ(LangTag(Lang::kZhCn), "zh-CN");
  EXPECT_EQ(LangTag(Lang::kEn), "en");
}

TEST(LangTest, EnvironmentFollowsTheFirstSetVariable) {
  EXPECT_EQ(LangFromEnvironment(nullptr, nullptr, "zh_CN.UTF-8"), Lang::kZhCn);
  EXPECT_EQ(LangFromEnvironment("en_US.UTF-8", nullptr, "zh_CN.UTF-8"), Lang::kEn);
  EXPECT_EQ(LangFromEnvironment("", "zh_CN", "C.UTF-8"), Lang::kZhCn);
  EXPECT_EQ(LangFromEnvironment(nullptr, nullptr, "C.UTF-8"), Lang::kEn);
  EXPECT_EQ(LangFromEnvironment(nullptr, nullptr, "zh_TW.UTF-8"), Lang::kEn);
  EXPECT_EQ(LangFromEnvironment(nullptr, nullptr, nullptr), Lang::kEn);
}

}  // namespace
}  // namespace battrace
