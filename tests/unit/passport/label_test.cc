// The QR label (passport/label.h) and the markup escaping every page and label goes through
// (passport/markup.h).
// GCC 12 at -O1 with the sanitizers takes std::regex's state copies for reads of uninitialized
// storage: a false positive that -Werror would make fatal in the sanitized build.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

#include "passport/label.h"

#include <gtest/gtest.h>
#include <png.h>

#include <cstring>
#include <regex>
#include <string>
#include <vector>

#include "passport/markup.h"

namespace battrace::passport {
namespace {

constexpr const char* kCode = "114PE24000000SG570099999";

TEST(EscapeMarkup, ReplacesTheFiveCharactersAndKeepsUtf8) {
  EXPECT_EQ(EscapeMarkup("<a href=\"x\">Tom & 'Jerry'</a>"),
            "&lt;a href=&quot;x&quot;&gt;Tom &amp; &#39;Jerry&#39;&lt;/a&gt;");
  EXPECT_EQ(EscapeMarkup("深圳市 南山区"), "深圳市 南山区");
  EXPECT_EQ(EscapeMarkup("a\xff<"), "a\xEF\xBF\xBD&lt;");  // not UTF-8: U+FFFD
  EXPECT_EQ(EscapeMarkup(""), "");
}

TEST(LabelUrl, IsTheBaseUrlAndTheCodeAndReadsBack) {
  EXPECT_EQ(*LabelUrl("https://trace.example.cn", kCode),
            std::string("https://trace.example.cn/b/") + kCode);
  EXPECT_EQ(*LabelUrl("https://trace.example.cn/passport//", kCode),
            std::string("https://trace.example.cn/passport/b/") + kCode);
  EXPECT_EQ(*LabelUrl(kDefaultLabelBaseUrl, kCode),
            std::string("http://127.0.0.1:8080/b/") + kCode);
  for (const char* bad : {"", "trace.example.cn", "ftp://trace.example.cn", "https://",
                          "https://trace.example.cn?x=1", "https://trace.example.cn/#top",
                          "https://trace example.cn", "https://trace.example.cn/\n"}) {
    auto url = LabelUrl(bad, kCode);
    ASSERT_FALSE(url.ok()) << bad;
    EXPECT_EQ(url.status().rule(), "label.base_url");
    EXPECT_EQ(url.status().field(), "base_url");
  }
}

TEST(EncodeQr, IsASquareSymbolOfLevelMWithItsFinderPatterns) {
  auto qr = EncodeQr(std::string("https://trace.example.cn/b/") + kCode);
  ASSERT_TRUE(qr.ok());
  // 51 bytes at level M need version 4 (33 modules): version 3 holds 42 bytes, 4 holds 62.
  EXPECT_EQ(qr->size, 33);
  ASSERT_EQ(qr->dark.size(), 33u * 33u);
  // The three finder patterns: a dark 7 x 7 ring, a light ring, a dark 3 x 3 centre.
  for (const auto& [ox, oy] : {std::pair{0, 0}, std::pair{26, 0}, std::pair{0, 26}}) {
    for (int i = 0; i < 7; ++i) {
      EXPECT_TRUE(qr->Dark(ox + i, oy) && qr->Dark(ox + i, oy + 6) && qr->Dark(ox, oy + i) &&
                  qr->Dark(ox + 6, oy + i));
    }
    EXPECT_FALSE(qr->Dark(ox + 1, oy + 1));
    EXPECT_TRUE(qr->Dark(ox + 3, oy + 3));
  }
  EXPECT_FALSE(qr->Dark(7, 7));  // the separator
}

TEST(EncodeQr, RefusesWhatNoVersionHolds) {
  auto qr = EncodeQr(std::string(3000, 'x'), "base_url");
  ASSERT_FALSE(qr.ok());
  EXPECT_EQ(qr.status().rule(), "label.too_long");
  EXPECT_EQ(qr.status().field(), "base_url");
}

TEST(LabelSvg, DrawsEveryDarkModuleOnceInsideTheQuietZoneAndPrintsTheCode) {
  const std::string url = std::string("https://trace.example.cn/b/") + kCode;
  auto qr = EncodeQr(url);
  ASSERT_TRUE(qr.ok());
  const std::string svg = LabelSvg(*qr, kCode, url);
  EXPECT_NE(svg.find("viewBox=\"0 0 41 45\""), std::string::npos) << svg.substr(0, 200);
  EXPECT_NE(svg.find("<title>" + url + "</title>"), std::string::npos);
  EXPECT_NE(svg.find(std::string(">") + kCode + "</text>"), std::string::npos);
  // Rebuild the symbol from the path's runs: every dark module, none twice, none outside.
  std::vector<int> seen(qr->dark.size(), 0);
  const std::regex run("M(\\d+) (\\d+)h(\\d+)v1h-(\\d+)z");
  const size_t d = svg.find(" d=\"");
  ASSERT_NE(d, std::string::npos);
  const std::string path = svg.substr(d + 4, svg.find('"', d + 4) - d - 4);
  size_t runs = 0;
  for (auto it = std::sregex_iterator(path.begin(), path.end(), run); it != std::sregex_iterator();
       ++it) {
    ++runs;
    const int x = std::stoi((*it)[1]) - 4, y = std::stoi((*it)[2]) - 4, n = std::stoi((*it)[3]);
    ASSERT_EQ(n, std::stoi((*it)[4]));
    for (int i = 0; i < n; ++i) {
      ASSERT_TRUE(x + i >= 0 && x + i < qr->size && y >= 0 && y < qr->size);
      ++seen[static_cast<size_t>(y) * qr->size + x + i];
    }
  }
  EXPECT_GT(runs, 0u);
  for (size_t i = 0; i < seen.size(); ++i)
    ASSERT_EQ(seen[i], qr->dark[i] ? 1 : 0) << "module " << i;
}

TEST(LabelSvg, EscapesWhatItPrints) {
  auto qr = EncodeQr("x");
  ASSERT_TRUE(qr.ok());
  const std::string svg = LabelSvg(*qr, "<b>", "http://h/b/\"&");
  EXPECT_EQ(svg.find("<b>"), std::string::npos);
  EXPECT_NE(svg.find("&lt;b&gt;"), std::string::npos);
  EXPECT_NE(svg.find("http://h/b/&quot;&amp;"), std::string::npos);
}

struct Gray {
  png_uint_32 width = 0, height = 0;
  std::vector<uint8_t> pixels;
  uint8_t At(png_uint_32 x, png_uint_32 y) const { return pixels[y * width + x]; }
};

// Reads an 8-bit grey PNG back with libpng.
Gray ReadPng(const std::string& bytes) {
  Gray g;
  png_image image;
  std::memset(&image, 0, sizeof image);
  image.version = PNG_IMAGE_VERSION;
  if (!png_image_begin_read_from_memory(&image, bytes.data(), bytes.size())) return g;
  image.format = PNG_FORMAT_GRAY;
  g.pixels.resize(PNG_IMAGE_SIZE(image));
  if (!png_image_finish_read(&image, nullptr, g.pixels.data(), 0, nullptr)) return g;
  g.width = image.width;
  g.height = image.height;
  return g;
}

TEST(LabelPng, HasTheSymbolModuleByModuleAndTheCaptionBelow) {
  const std::string url = std::string("https://trace.example.cn/b/") + kCode;
  auto qr = EncodeQr(url);
  ASSERT_TRUE(qr.ok());
  auto png = LabelPng(*qr, kCode, 10);
  ASSERT_TRUE(png.ok());
  ASSERT_EQ(png->compare(0, 8, "\x89PNG\r\n\x1a\n"), 0);
  const Gray g = ReadPng(*png);
  ASSERT_EQ(g.width, 410u);  // (33 + 2 * 4) modules of 10 px
  ASSERT_GT(g.height, g.width);
  for (int y = -4; y < qr->size + 4; ++y) {
    for (int x = -4; x < qr->size + 4; ++x) {
      const bool inside = x >= 0 && y >= 0 && x < qr->size && y < qr->size;
      const bool dark = inside && qr->Dark(x, y);
      const auto px = static_cast<png_uint_32>((x + 4) * 10 + 5);
      const auto py = static_cast<png_uint_32>((y + 4) * 10 + 5);
      ASSERT_EQ(g.At(px, py), dark ? 0 : 255) << x << "," << y;
    }
  }
  // The caption: dark pixels below the symbol, none in its outer margin.
  size_t caption_dark = 0;
  for (png_uint_32 y = g.width; y < g.height; ++y) {
    for (png_uint_32 x = 0; x < g.width; ++x)
      caption_dark += g.At(x, y) == 0;
    EXPECT_EQ(g.At(0, y), 255);
    EXPECT_EQ(g.At(g.width - 1, y), 255);
  }
  EXPECT_GT(caption_dark, 24u * 20u);
}

}  // namespace
}  // namespace battrace::passport
