// The files of a data set the process loads once (the legal calendar, the rule files): every
// *.json file of its directory (data_directory.h says which directory), read in name order.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace battrace {

// One file of a data directory: its file name (the prefix of the fields of its errors) and its
// text.
struct DataFile {
  std::string name;
  std::string text;
};

// The regular files named *.json in `dir`, read, in file-name order. IOError when `dir` cannot
// be listed or a file cannot be read; NotFound when it holds none ("no <what> (*.json) in
// directory <dir>").
Result<std::vector<DataFile>> ReadJsonFiles(const std::string& dir, std::string_view what);

}  // namespace battrace
