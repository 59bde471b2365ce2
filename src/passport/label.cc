#include "passport/label.h"

#include <png.h>
#include <qrencode.h>

#include <algorithm>
#include <array>
#include <csetjmp>
#include <cstdio>
#include <cstring>
#include <memory>

#include "core/battery_code.h"
#include "passport/markup.h"

namespace battrace::passport {
namespace {

constexpr int kQuietZone = 4;  // modules of light margin around the symbol (ISO/IEC 18004)

// The caption's bitmap font: 5 x 7 cells per character, one row per byte, the leftmost cell in
// bit 4. Zero carries a slash so that it is never read as the letter O.
constexpr int kGlyphWidth = 5;
constexpr int kGlyphHeight = 7;
constexpr int kGlyphAdvance = kGlyphWidth + 1;
using Glyph = std::array<uint8_t, kGlyphHeight>;
constexpr std::array<Glyph, 36> kGlyphs = {{
    {0x0E, 0x11, 0x13, 0x15, 0x19, 0x11, 0x0E},  // 0
    {0x04, 0x0C, 0x04, 0x04, 0x04, 0x04, 0x0E},  // 1
    {0x0E, 0x11, 0x01, 0x02, 0x04, 0x08, 0x1F},  // 2
    {0x1E, 0x01, 0x01, 0x0E, 0x01, 0x01, 0x1E},  // 3
    {0x02, 0x06, 0x0A, 0x12, 0x1F, 0x02, 0x02},  // 4
    {0x1F, 0x10, 0x1E, 0x01, 0x01, 0x11, 0x0E},  // 5
    {0x06, 0x08, 0x10, 0x1E, 0x11, 0x11, 0x0E},  // 6
    {0x1F, 0x01, 0x02, 0x04, 0x08, 0x08, 0x08},  // 7
    {0x0E, 0x11, 0x11, 0x0E, 0x11, 0x11, 0x0E},  // 8
    {0x0E, 0x11, 0x11, 0x0F, 0x01, 0x02, 0x0C},  // 9
    {0x0E, 0x11, 0x11, 0x1F, 0x11, 0x11, 0x11},  // A
    {0x1E, 0x11, 0x11, 0x1E, 0x11, 0x11, 0x1E},  // B
    {0x0E, 0x11, 0x10, 0x10, 0x10, 0x11, 0x0E},  // C
    {0x1C, 0x12, 0x11, 0x11, 0x11, 0x12, 0x1C},  // D
    {0x1F, 0x10, 0x10, 0x1E, 0x10, 0x10, 0x1F},  // E
    {0x1F, 0x10, 0x10, 0x1E, 0x10, 0x10, 0x10},  // F
    {0x0E, 0x11, 0x10, 0x17, 0x11, 0x11, 0x0F},  // G
    {0x11, 0x11, 0x11, 0x1F, 0x11, 0x11, 0x11},  // H
    {0x0E, 0x04, 0x04, 0x04, 0x04, 0x04, 0x0E},  // I
    {0x07, 0x02, 0x02, 0x02, 0x02, 0x12, 0x0C},  // J
    {0x11, 0x12, 0x14, 0x18, 0x14, 0x12, 0x11},  // K
    {0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x1F},  // L
    {0x11, 0x1B, 0x15, 0x15, 0x11, 0x11, 0x11},  // M
    {0x11, 0x11, 0x19, 0x15, 0x13, 0x11, 0x11},  // N
    {0x0E, 0x11, 0x11, 0x11, 0x11, 0x11, 0x0E},  // O
    {0x1E, 0x11, 0x11, 0x1E, 0x10, 0x10, 0x10},  // P
    {0x0E, 0x11, 0x11, 0x11, 0x15, 0x12, 0x0D},  // Q
    {0x1E, 0x11, 0x11, 0x1E, 0x14, 0x12, 0x11},  // R
    {0x0F, 0x10, 0x10, 0x0E, 0x01, 0x01, 0x1E},  // S
    {0x1F, 0x04, 0x04, 0x04, 0x04, 0x04, 0x04},  // T
    {0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x0E},  // U
    {0x11, 0x11, 0x11, 0x11, 0x11, 0x0A, 0x04},  // V
    {0x11, 0x11, 0x11, 0x15, 0x15, 0x15, 0x0A},  // W
    {0x11, 0x11, 0x0A, 0x04, 0x0A, 0x11, 0x11},  // X
    {0x11, 0x11, 0x0A, 0x04, 0x04, 0x04, 0x04},  // Y
    {0x1F, 0x01, 0x02, 0x04, 0x08, 0x10, 0x1F},  // Z
}};
constexpr Glyph kBox = {0x1F, 0x11, 0x11, 0x11, 0x11, 0x11, 0x1F};

const Glyph& GlyphOf(char c) {
  if (c >= '0' && c <= '9') return kGlyphs[c - '0'];
  if (c >= 'A' && c <= 'Z') return kGlyphs[10 + (c - 'A')];
  return kBox;
}

// Where everything goes, in modules (SVG) or pixels (PNG): the symbol with its quiet zone is a
// square of `side` modules; the caption band below it is `band` modules high.
struct Layout {
  int side = 0;  // symbol + 2 quiet zones, in modules
  double band = 0;
};

Layout LayOut(const QrSymbol& symbol) {
  Layout l;
  l.side = symbol.size + 2 * kQuietZone;
  l.band = 4;  // the caption's height with a module of margin above and below
  return l;
}

// A length in modules for an SVG attribute: one decimal at most ("20.5", "45").
std::string Num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  std::string s = buf;
  if (s.size() > 2 && s.compare(s.size() - 2, 2, ".0") == 0) s.resize(s.size() - 2);
  return s;
}

void AppendToString(png_structp png, png_bytep data, png_size_t length) {
  auto* out = static_cast<std::string*>(png_get_io_ptr(png));
  out->append(reinterpret_cast<const char*>(data), length);
}

}  // namespace

Result<std::string> LabelUrl(std::string_view base_url, std::string_view code) {
  std::string base(base_url);
  while (!base.empty() && base.back() == '/')
    base.pop_back();
  std::string url = base + "/b/" + std::string(code);
  const auto read_back = BatteryCode::FromLabelUrl(url);
  if (!read_back || *read_back != code) {
    return Status::Invalid("base_url", "label.base_url",
                           "the base URL must be http:// or https:// and a host, optionally a "
                           "path, without query, fragment or white space: got " +
                               QuoteText(base_url));
  }
  return url;
}

Result<QrSymbol> EncodeQr(std::string_view text, std::string_view field) {
  const std::string z(text);
  std::unique_ptr<QRcode, decltype(&QRcode_free)> qr(
      QRcode_encodeData(static_cast<int>(z.size()),
                        reinterpret_cast<const unsigned char*>(z.data()), 0, QR_ECLEVEL_M),
      &QRcode_free);
  if (!qr) {
    return Status::Invalid(std::string(field), "label.too_long",
                           "a QR code at error correction level M holds at most 2331 bytes; got " +
                               std::to_string(text.size()));
  }
  QrSymbol s;
  s.size = qr->width;
  s.dark.resize(static_cast<size_t>(s.size) * s.size);
  for (size_t i = 0; i < s.dark.size(); ++i)
    s.dark[i] = (qr->data[i] & 1) != 0;
  return s;
}

std::string LabelSvg(const QrSymbol& symbol, std::string_view caption, std::string_view url) {
  const Layout l = LayOut(symbol);
  const double height = l.side + l.band;
  std::string out;
  out.reserve(static_cast<size_t>(symbol.size) * symbol.size * 4 + 1024);
  out += "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " + std::to_string(l.side) + " " +
         std::to_string(static_cast<int>(height)) + "\" width=\"" + std::to_string(l.side * 8) +
         "\" height=\"" + std::to_string(static_cast<int>(height) * 8) +
         "\" role=\"img\" shape-rendering=\"crispEdges\">";
  out += "<title>" + EscapeMarkup(url) + "</title>";
  out += "<rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>";
  // Each run of dark modules in a row is one rectangle of the path.
  out += "<path fill=\"#000\" d=\"";
  for (int y = 0; y < symbol.size; ++y) {
    for (int x = 0; x < symbol.size;) {
      if (!symbol.Dark(x, y)) {
        ++x;
        continue;
      }
      int run = 1;
      while (x + run < symbol.size && symbol.Dark(x + run, y))
        ++run;
      out += "M" + std::to_string(x + kQuietZone) + " " + std::to_string(y + kQuietZone) + "h" +
             std::to_string(run) + "v1h-" + std::to_string(run) + "z";
      x += run;
    }
  }
  out += "\"/>";
  // The caption fills the label's width but a module on each side, whatever the font.
  out += "<text x=\"" + Num(l.side / 2.0) + "\" y=\"" + Num(l.side + 2.9) +
         "\" font-family=\"DejaVu Sans Mono, Menlo, Consolas, monospace\" font-size=\"2.6\" "
         "text-anchor=\"middle\" textLength=\"" +
         std::to_string(l.side - 2) + "\" lengthAdjust=\"spacingAndGlyphs\" fill=\"#000\">" +
         EscapeMarkup(caption) + "</text></svg>\n";
  return out;
}

Result<std::string> LabelPng(const QrSymbol& symbol, std::string_view caption, int module_px) {
  const Layout l = LayOut(symbol);
  const int width = l.side * module_px;
  // The caption's cell: as large as fits across the label less a module on each side.
  const int cells = std::max<int>(1, static_cast<int>(caption.size()) * kGlyphAdvance - 1);
  const int cell = std::max(1, (width - 2 * module_px) / cells);
  const int band =
      std::max(static_cast<int>(l.band * module_px), kGlyphHeight * cell + 2 * module_px);
  const int height = width + band;
  std::vector<uint8_t> pixels(static_cast<size_t>(width) * height, 0xFF);
  auto fill = [&](int x0, int y0, int w, int h) {
    for (int y = y0; y < y0 + h; ++y)
      std::memset(&pixels[static_cast<size_t>(y) * width + x0], 0, static_cast<size_t>(w));
  };
  for (int y = 0; y < symbol.size; ++y) {
    for (int x = 0; x < symbol.size; ++x) {
      if (symbol.Dark(x, y)) {
        fill((x + kQuietZone) * module_px, (y + kQuietZone) * module_px, module_px, module_px);
      }
    }
  }
  const int text_x = (width - cells * cell) / 2;
  const int text_y = width + (band - kGlyphHeight * cell) / 2;
  for (size_t i = 0; i < caption.size(); ++i) {
    const Glyph& g = GlyphOf(caption[i]);
    for (int row = 0; row < kGlyphHeight; ++row) {
      for (int col = 0; col < kGlyphWidth; ++col) {
        if ((g[row] >> (kGlyphWidth - 1 - col)) & 1) {
          fill(text_x + (static_cast<int>(i) * kGlyphAdvance + col) * cell, text_y + row * cell,
               cell, cell);
        }
      }
    }
  }

  std::string out;
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, nullptr, nullptr);
  png_infop info = png ? png_create_info_struct(png) : nullptr;
  if (png == nullptr || info == nullptr) {
    png_destroy_write_struct(&png, &info);
    return Status::Internal("png: out of memory");
  }
  // libpng reports a failure (out of memory) by jumping here; nothing else in this function
  // holds a resource a jump would leak.
  if (setjmp(png_jmpbuf(png))) {  // NOLINT(cert-err52-cpp)
    png_destroy_write_struct(&png, &info);
    return Status::Internal("png: the label could not be written");
  }
  png_set_write_fn(png, &out, AppendToString, nullptr);
  png_set_IHDR(png, info, static_cast<png_uint_32>(width), static_cast<png_uint_32>(height), 8,
               PNG_COLOR_TYPE_GRAY, PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
               PNG_FILTER_TYPE_DEFAULT);
  png_write_info(png, info);
  for (int y = 0; y < height; ++y)
    png_write_row(png, &pixels[static_cast<size_t>(y) * width]);
  png_write_end(png, nullptr);
  png_destroy_write_struct(&png, &info);
  return out;
}

}  // namespace battrace::passport
