#include "core/lang.h"

#include <algorithm>
#include <cctype>
#include <string>

namespace battrace {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
    s.remove_suffix(1);
  return s;
}

// The language a lower-case language range stands for; nullopt when battrace does not speak it.
std::optional<Lang> Spoken(const std::string& range) {
  if (range == "*" || range == "en" || range.starts_with("en-")) return Lang::kEn;
  if (range != "zh" && !range.starts_with("zh-")) return std::nullopt;
  for (std::string_view traditional : {"zh-tw", "zh-hk", "zh-mo", "zh-hant"}) {
    if (range == traditional || range.starts_with(std::string(traditional) + "-")) {
      return std::nullopt;
    }
  }
  return Lang::kZhCn;
}

// The q-value of the parameters after a range ("; q=0.8"), in thousandths; -1 when malformed.
int Quality(std::string_view params) {
  int q = 1000;
  while (!params.empty()) {
    const size_t semi = params.find(';');
    const std::string_view p = Trim(params.substr(0, semi));
    params = semi == std::string_view::npos ? std::string_view() : params.substr(semi + 1);
    if (p.size() < 2 || (p[0] != 'q' && p[0] != 'Q') || p[1] != '=') continue;
    const std::string_view v = p.substr(2);
    // qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] )
    if (v.empty() || (v[0] != '0' && v[0] != '1') || v.size() > 5 ||
        (v.size() > 1 && v[1] != '.')) {
      return -1;
    }
    int value = (v[0] - '0') * 1000;
    int scale = 100;
    for (size_t i = 2; i < v.size(); ++i, scale /= 10) {
      if (!std::isdigit(static_cast<unsigned char>(v[i]))) return -1;
      value += (v[i] - '0') * scale;
    }
    if (value > 1000) return -1;
    q = value;
  }
  return q;
}

}  // namespace

std::string_view LangTag(Lang lang) {
  return lang == Lang::kZhCn ? "zh-CN" : "en";
}

Lang NegotiateLang(std::string_view header) {
  std::optional<Lang> best;
  int best_q = 0;
  while (!header.empty()) {
    const size_t comma = header.find(',');
    const std::string_view item = header.substr(0, comma);
    header = comma == std::string_view::npos ? std::string_view() : header.substr(comma + 1);
    const size_t semi = item.find(';');
    const std::string range = Lower(Trim(item.substr(0, semi)));
    const int q = semi == std::string_view::npos ? 1000 : Quality(item.substr(semi + 1));
    if (range.empty() || q <= 0) continue;
    const std::optional<Lang> lang = Spoken(range);
    if (lang && q > best_q) {
      best = lang;
      best_q = q;
    }
  }
  return best.value_or(Lang::kEn);
}

Result<Lang> ParseLang(std::string_view text, std::string_view field) {
  const std::string t = Lower(text);
  if (t == "en") return Lang::kEn;
  if (t == "zh-cn" || t == "zh" || t == "zh-hans") return Lang::kZhCn;
  return Status::Invalid(std::string(field), "lang.unknown",
                         "unknown language '" + std::string(text) + "' (en or zh-CN)");
}

Lang LangFromEnvironment(const char* lc_all, const char* lc_messages, const char* lang) {
  for (const char* v : {lc_all, lc_messages, lang}) {
    if (v == nullptr || *v == '\0') continue;
    // "zh_CN.UTF-8" -> "zh-cn"
    std::string tag = Lower(std::string_view(v).substr(0, std::string_view(v).find('.')));
    std::replace(tag.begin(), tag.end(), '_', '-');
    return Spoken(tag) == Lang::kZhCn ? Lang::kZhCn : Lang::kEn;
  }
  return Lang::kEn;
}

}  // namespace battrace
