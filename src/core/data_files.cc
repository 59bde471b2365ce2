#include "core/data_files.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <system_error>

namespace battrace {

Result<std::vector<DataFile>> ReadJsonFiles(const std::string& dir, std::string_view what) {
  namespace fs = std::filesystem;
  std::error_code ec;
  std::vector<fs::path> paths;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->path().extension() == ".json" && it->is_regular_file()) paths.push_back(it->path());
  }
  if (ec) return Status::IOError("cannot list directory " + dir + ": " + ec.message());
  if (paths.empty()) {
    return Status::NotFound("no " + std::string(what) + " (*.json) in directory " + dir);
  }
  std::sort(paths.begin(), paths.end());
  std::vector<DataFile> files;
  files.reserve(paths.size());
  for (const fs::path& path : paths) {
    std::ifstream in(path, std::ios::binary);
    if (!in.is_open()) return Status::IOError("cannot open " + path.string());
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (in.bad()) return Status::IOError("cannot read " + path.string());
    files.push_back({path.filename().string(), std::move(text)});
  }
  return files;
}

}  // namespace battrace
