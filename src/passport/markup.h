// Text placed into HTML or SVG: the one escaping function every markup battrace writes goes
// through (the passport page, the QR label's caption).
#pragma once

#include <string>
#include <string_view>

namespace battrace::passport {

// `text` with &, <, >, " and ' replaced by their character references, so that it can stand in
// element content and in a quoted attribute value alike. Bytes that are not UTF-8 are replaced
// by U+FFFD, so the markup stays valid UTF-8 whatever the data held.
std::string EscapeMarkup(std::string_view text);

}  // namespace battrace::passport
