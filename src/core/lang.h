// The languages battrace speaks to people: English (the default) and Simplified Chinese, chosen
// by an HTTP Accept-Language header (RFC 9110, 12.5.4) or a command-line option
// (docs/api.md, "Languages").
#pragma once

#include <optional>
#include <string_view>

#include "core/status.h"

namespace battrace {

enum class Lang { kEn, kZhCn };

// "en" or "zh-CN": the Content-Language of an answer in `lang`.
std::string_view LangTag(Lang lang);

// The language of an Accept-Language header: the acceptable range of highest q-value (ties: the
// first listed) that battrace speaks. "zh", "zh-CN", "zh-Hans", "zh-SG", "zh-Hans-*" and the
// like choose zh-CN; "zh-TW", "zh-HK", "zh-MO" and "zh-Hant*" (Traditional Chinese) are not
// spoken; "en", "en-*" and "*" choose en. q=0 excludes a range. Empty, malformed or nothing
// spoken: en.
Lang NegotiateLang(std::string_view accept_language);

// A language as the `--lang` option gives it: "en" or "zh-CN" (any case; also "zh", "zh-Hans");
// else rule "lang.unknown" on `field`.
Result<Lang> ParseLang(std::string_view text, std::string_view field);

// The language of the environment: the first set of LC_ALL, LC_MESSAGES, LANG; zh-CN when it
// starts with "zh" (and is not Traditional, as NegotiateLang), else en.
Lang LangFromEnvironment(const char* lc_all, const char* lc_messages, const char* lang);

}  // namespace battrace
