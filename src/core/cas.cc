// CAS Registry Number format and check digit.
#include "core/cas.h"

#include <string>

namespace battrace {

Status CheckCasNumber(std::string_view text) {
  const size_t first = text.find('-');
  const size_t second = first == std::string_view::npos ? first : text.find('-', first + 1);
  auto digits = [](std::string_view s) {
    for (char c : s) {
      if (c < '0' || c > '9') return false;
    }
    return true;
  };
  if (second == std::string_view::npos || first < 2 || first > 7 || second != first + 3 ||
      text.size() != second + 2 || !digits(text.substr(0, first)) ||
      !digits(text.substr(first + 1, 2)) || !digits(text.substr(second + 1))) {
    return Status::Invalid("cas", "cas.format",
                           "a CAS Registry Number is written NNNNNNN-NN-N (2 to 7 digits, 2 "
                           "digits, a check digit)");
  }
  int sum = 0;
  int weight = 1;
  for (size_t i = second; i-- > 0;) {
    if (text[i] == '-') continue;
    sum += (text[i] - '0') * weight++;
  }
  const char check = static_cast<char>('0' + sum % 10);
  if (text.back() != check) {
    return Status::Invalid("cas", "cas.check_digit",
                           "the CAS number's check digit is " + std::string(1, text.back()) +
                               "; its digits give " + std::string(1, check));
  }
  return Status::Ok();
}

}  // namespace battrace
