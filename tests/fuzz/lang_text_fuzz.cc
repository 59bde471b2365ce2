// Fuzz target for the language and text-width parsers: any byte string as an Accept-Language
// header (NegotiateLang), a --lang value (ParseLang), a locale variable (LangFromEnvironment)
// and a table cell (DisplayWidth, TruncateToWidth, PadToWidth), with their invariants.
#include <algorithm>
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/display_width.h"
#include "core/lang.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace battrace;
  const std::string raw(reinterpret_cast<const char*>(data), size);
  std::string lower = raw;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });

  // Only a header naming Chinese can choose it; the answer never depends on anything else.
  const Lang negotiated = NegotiateLang(raw);
  if (negotiated == Lang::kZhCn && lower.find("zh") == std::string::npos) std::abort();
  if (NegotiateLang(raw) != negotiated) std::abort();
  const auto parsed = ParseLang(raw, "--lang");
  if (!parsed.ok() && parsed.status().rule() != "lang.unknown") std::abort();
  if (parsed.ok() && LangTag(*parsed) != "en" && LangTag(*parsed) != "zh-CN") std::abort();
  const Lang env = LangFromEnvironment(raw.c_str(), nullptr, nullptr);
  if (env == Lang::kZhCn && !lower.starts_with("zh")) std::abort();

  // Widths: at most one column per byte; a cut never exceeds its width, keeps a prefix of the
  // text and is the text itself when it fits; padding only appends spaces.
  const size_t width = DisplayWidth(raw);
  if (width > raw.size()) std::abort();
  for (size_t w = 1; w <= 12; ++w) {
    const std::string cut = TruncateToWidth(raw, w);
    if (DisplayWidth(cut) > w) std::abort();
    if (width <= w && cut != raw) std::abort();
    if (width > w) {
      const std::string_view ellipsis = "\u2026";
      if (!std::string_view(cut).ends_with(ellipsis)) std::abort();
      if (!raw.starts_with(cut.substr(0, cut.size() - ellipsis.size()))) std::abort();
    }
    const std::string padded = PadToWidth(raw, w);
    if (!padded.starts_with(raw) || DisplayWidth(padded) < w) std::abort();
    if (padded.find_first_not_of(' ', raw.size()) != std::string::npos) std::abort();
  }
  return 0;
}
