// The web pages' static files (web/static, and the vendored ECharts and i18next ES modules),
// compiled into the binary at build time by scripts/gen_assets.py: each with its content type,
// its deterministic gzip (empty when gzip would not make it smaller) and a strong ETag (a
// SHA-256 prefix of the body). `battrace serve` answers them at /assets/<path> (server/web.h).
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

namespace battrace::server {

struct Asset {
  std::string_view path;  // relative to web/static: "js/main.mjs", "vendor/echarts.esm.min.mjs"
  std::string_view content_type;
  std::string_view body;
  std::string_view gzip;  // the body gzipped, or empty
  std::string_view etag;  // quoted: "\"3f2a...\""
};

// The asset at `path`, or nullptr.
const Asset* FindAsset(std::string_view path);

// Every asset, in path order.
const std::vector<Asset>& AllAssets();

namespace generated {
// One row of the generated table (build/.../gen/assets_table.cc): offsets into the blob.
struct AssetRow {
  const char* path;
  const char* content_type;
  size_t offset, size, gzip_offset, gzip_size;
  const char* etag;
};
extern const AssetRow kAssetRows[];
extern const size_t kAssetCount;
extern const char* const kAssetBlob;
}  // namespace generated

}  // namespace battrace::server
