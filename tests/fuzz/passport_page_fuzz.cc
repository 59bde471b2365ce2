// Fuzz target for what the public passport page and the label take from a request: the code in
// the path (GET /b/{code}) and the origin a label names. The first byte picks the language and
// what the rest is:
//   bit 0 = 0: the rest is the code of a page: it is checked (lenient), and the page of a
//              malformed or unregistered code is rendered; the page must be valid UTF-8, every
//              element in it one the renderer writes, and its one script the module it links
//              (so nothing of the code became markup); EscapeMarkup's output must hold none of
//              < > " ' and be valid UTF-8;
//   bit 0 = 1: the rest is a label's base URL: LabelUrl must answer with its own rule, a URL it
//              gives must read back as the code's label URL, and EncodeQr must answer for it.
#include <cctype>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <string_view>

#include "core/battery_code.h"
#include "passport/label.h"
#include "passport/markup.h"
#include "server/passport_page.h"

namespace {

void Require(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "passport_page_fuzz: %s\n", what);
  std::abort();
}

bool ValidUtf8(std::string_view text) {
  for (size_t i = 0; i < text.size();) {
    const size_t n = battrace::Utf8SequenceLength(text, i);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

// Whether every tag of `html` is one the page's renderer writes, with one <script>.
bool OnlyOwnMarkup(const std::string& html) {
  static const std::set<std::string> kTags = {
      "!doctype", "html",   "head",   "meta",   "title",   "link",    "script", "body", "header",
      "a",        "main",   "h1",     "span",   "section", "h2",      "p",      "code", "footer",
      "dl",       "dt",     "dd",     "strong", "details", "summary", "pre",    "form", "input",
      "label",    "select", "option", "button", "ul",      "li",      "img"};
  size_t scripts = 0;
  for (size_t at = html.find('<'); at != std::string::npos; at = html.find('<', at + 1)) {
    size_t i = at + 1;
    if (i < html.size() && html[i] == '/') ++i;
    size_t j = i;
    while (j < html.size() && (std::isalnum(static_cast<unsigned char>(html[j])) || html[j] == '!'))
      ++j;
    const std::string name = html.substr(i, j - i);
    if (kTags.count(name) == 0) return false;
    if (name == "script" && html[at + 1] != '/') ++scripts;
  }
  return scripts == 1;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0 || size > 4096) return 0;
  const std::string rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  const battrace::Lang lang = (data[0] & 2) != 0 ? battrace::Lang::kEn : battrace::Lang::kZhCn;
  if ((data[0] & 1) == 0) {
    const std::string escaped = battrace::passport::EscapeMarkup(rest);
    Require(escaped.find_first_of("<>\"'") == std::string::npos, "EscapeMarkup left markup");
    Require(ValidUtf8(escaped), "EscapeMarkup gave bytes that are not UTF-8");
    battrace::server::Passport p;
    p.requested = rest;
    p.check = battrace::BatteryCode::Check(rest, battrace::Strictness::kLenient);
    const int status = battrace::server::PassportStatus(p);
    Require(status == (p.check.valid ? 404 : 400), "the status of a page without a battery");
    const std::string html =
        battrace::server::RenderPassport(p, battrace::server::PassportWords(lang));
    Require(ValidUtf8(html), "the page is not UTF-8");
    Require(OnlyOwnMarkup(html), "the page holds markup the renderer does not write");
    return 0;
  }
  constexpr std::string_view kCode = "114PE24000000SG570099999";
  auto url = battrace::passport::LabelUrl(rest, kCode);
  if (!url.ok()) {
    Require(url.status().rule() == "label.base_url", "LabelUrl failed with another rule");
    return 0;
  }
  const auto read_back = battrace::BatteryCode::FromLabelUrl(*url);
  Require(read_back && *read_back == kCode, "a label URL that does not read back");
  auto symbol = battrace::passport::EncodeQr(*url);
  Require(symbol.ok() || symbol.status().rule() == "label.too_long", "EncodeQr failed otherwise");
  if (symbol.ok()) {
    Require(symbol->size >= 21 && symbol->dark.size() == static_cast<size_t>(symbol->size) *
                                                             static_cast<size_t>(symbol->size),
            "a symbol of a size QR does not have");
  }
  return 0;
}
