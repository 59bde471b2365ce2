// A battery's QR label: the URL of its public page, `<base url>/b/<code>`, as a QR code (error
// correction level M, a quiet zone of 4 modules) with the code printed under it. One layout,
// two outputs: SVG (served at GET /b/{code}/qr.svg) and PNG (`battrace label --format png`).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace battrace::passport {

// The base URL `battrace label` uses when none is given: the address `battrace serve` listens
// on by default. A deployed platform's labels name its public origin (--base-url).
inline constexpr std::string_view kDefaultLabelBaseUrl = "http://127.0.0.1:8080";

// `base_url` (scheme and host, optionally a path; a trailing '/' is dropped) + "/b/" + `code`.
// The result must read back as the label URL of `code` (BatteryCode::FromLabelUrl): http or
// https, a host, no query, fragment, white space or control character; else rule
// "label.base_url" on field "base_url".
Result<std::string> LabelUrl(std::string_view base_url, std::string_view code);

// A QR symbol: `size` x `size` modules, row by row, true for dark.
struct QrSymbol {
  int size = 0;
  std::vector<bool> dark;
  bool Dark(int x, int y) const { return dark[static_cast<size_t>(y) * size + x]; }
};

// The QR code of `text` at error correction level M, in the smallest version that holds it
// (8-bit mode, case kept). Rule "label.too_long" on field `field` when no version holds it.
Result<QrSymbol> EncodeQr(std::string_view text, std::string_view field = "url");

// The label as an SVG document: the symbol with its quiet zone on white, the caption (the code)
// under it across the label's width, and a <title> naming the URL.
std::string LabelSvg(const QrSymbol& symbol, std::string_view caption, std::string_view url);

// The same label as a PNG (8-bit grey), `module_px` pixels per module, the caption drawn with
// the label's own bitmap font (digits and capital letters, which is all a code holds; any other
// character is drawn as an empty box).
Result<std::string> LabelPng(const QrSymbol& symbol, std::string_view caption, int module_px = 12);

}  // namespace battrace::passport
