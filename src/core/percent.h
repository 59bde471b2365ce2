// Percent-encoding (RFC 3986, section 2.1): the one encoder and decoder of URI text, for the
// HTTP head's path and query, the URNs the EPCIS mapping makes, and JSON pointers in `$ref`s.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace battrace {

// The value of the hex digit `c` (either case), or -1.
int HexDigitValue(char c);

// `text` with every byte but the unreserved characters (ALPHA DIGIT "-" "." "_" "~") written
// as %XX, upper-case hex: any text becomes a valid URI component that decodes back exactly.
std::string PercentEncode(std::string_view text);

// `text` with each %XX decoded; nullopt when a '%' is not followed by two hex digits. The
// bytes are not checked to be UTF-8.
std::optional<std::string> PercentDecode(std::string_view text);

// The lenient decoding of text from the wire: a '%' not followed by two hex digits stays as it
// is, and with `plus_is_space` (a query string) '+' is a space.
std::string PercentDecodeLenient(std::string_view text, bool plus_is_space = false);

}  // namespace battrace
