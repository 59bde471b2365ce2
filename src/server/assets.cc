#include "server/assets.h"

#include <algorithm>

namespace battrace::server {

const std::vector<Asset>& AllAssets() {
  static const std::vector<Asset> kAssets = [] {
    std::vector<Asset> out;
    const char* blob = generated::kAssetBlob;
    for (size_t i = 0; i < generated::kAssetCount; ++i) {
      const generated::AssetRow& r = generated::kAssetRows[i];
      out.push_back({r.path, r.content_type, std::string_view(blob + r.offset, r.size),
                     std::string_view(blob + r.gzip_offset, r.gzip_size), r.etag});
    }
    return out;
  }();
  return kAssets;
}

const Asset* FindAsset(std::string_view path) {
  const std::vector<Asset>& all = AllAssets();
  auto it = std::lower_bound(all.begin(), all.end(), path,
                             [](const Asset& a, std::string_view p) { return a.path < p; });
  return it != all.end() && it->path == path ? &*it : nullptr;
}

}  // namespace battrace::server
