// GTIN check digits and the AI (21) serial character set.
#include "core/gs1.h"

namespace battrace {
namespace {

constexpr std::string_view kSet82Punctuation = "!\"%&'()*+,-./:;<=>?_";
constexpr size_t kSerialMax = 20;

}  // namespace

bool InSet82(char c) {
  return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
         kSet82Punctuation.find(c) != std::string_view::npos;
}

char Gs1CheckDigit(std::string_view digits) {
  int sum = 0;
  int weight = 3;
  for (auto it = digits.rbegin(); it != digits.rend(); ++it) {
    sum += (*it - '0') * weight;
    weight = 4 - weight;
  }
  return static_cast<char>('0' + (10 - sum % 10) % 10);
}

Result<std::string> ParseGtin(std::string_view text) {
  const size_t n = text.size();
  if (n != 8 && n != 12 && n != 13 && n != 14) {
    return Status::Invalid("gtin", "gtin.length",
                           "a GTIN has 8, 12, 13 or 14 digits, not " + std::to_string(n));
  }
  for (size_t i = 0; i < n; ++i) {
    if (text[i] < '0' || text[i] > '9') {
      return Status::Invalid(
          "gtin", "gtin.characters",
          "a GTIN holds digits only; character " + std::to_string(i + 1) + " is not one");
    }
  }
  const char check = Gs1CheckDigit(text.substr(0, n - 1));
  if (text[n - 1] != check) {
    return Status::Invalid("gtin", "gtin.check_digit",
                           "the GTIN's check digit is " + std::string(1, text[n - 1]) +
                               "; its digits give " + std::string(1, check));
  }
  return std::string(14 - n, '0') + std::string(text);
}

Status CheckGs1Serial(std::string_view text) {
  if (text.empty() || text.size() > kSerialMax) {
    return Status::Invalid(
        "serial", "gs1_serial.length",
        "a GS1 serial (AI 21) has 1 to 20 characters, not " + std::to_string(text.size()));
  }
  for (size_t i = 0; i < text.size(); ++i) {
    if (!InSet82(text[i])) {
      return Status::Invalid("serial", "gs1_serial.characters",
                             "character " + std::to_string(i + 1) +
                                 " is not in the GS1 character set 82 (letters, digits and "
                                 "!\"%&'()*+,-./:;<=>?_)");
    }
  }
  return Status::Ok();
}

}  // namespace battrace
