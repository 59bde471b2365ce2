// Text joined from pieces in one allocation: StrCat("battery ", code, " of ", vin). Each piece
// is anything a std::string_view can be made from (string literals, std::string, string_view).
#pragma once

#include <string>
#include <string_view>

namespace battrace {

template <typename... Pieces>
std::string StrCat(const Pieces&... pieces) {
  std::string out;
  out.reserve((std::string_view(pieces).size() + ... + 0));
  (out.append(std::string_view(pieces)), ...);
  return out;
}

}  // namespace battrace
