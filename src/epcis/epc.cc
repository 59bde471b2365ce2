// EPC URIs (GS1 EPC Tag Data Standard 2.0, section 6 and the EPC-to-Digital-Link table of
// section 7) and GS1 Digital Link URIs (GS1 Digital Link Standard 1.2: URI syntax, section 4;
// short names of the AIs, table 7-1) turned into one canonical Digital Link URI.
#include "epcis/epc.h"

#include <array>
#include <optional>
#include <utility>
#include <vector>

#include "core/gs1.h"
#include "core/percent.h"

namespace battrace::epcis {
namespace {

constexpr std::string_view kCanonicalHost = "https://id.gs1.org/";

bool IsDigit(char c) {
  return c >= '0' && c <= '9';
}
bool IsUpper(char c) {
  return c >= 'A' && c <= 'Z';
}
bool IsHex(char c) {
  return IsDigit(c) || (c >= 'A' && c <= 'F') || (c >= 'a' && c <= 'f');
}

bool AllDigits(std::string_view s) {
  for (char c : s) {
    if (!IsDigit(c)) return false;
  }
  return true;
}

size_t LeadingDigits(std::string_view s) {
  size_t n = 0;
  while (n < s.size() && IsDigit(s[n]))
    ++n;
  return n;
}

std::vector<std::string_view> Split(std::string_view s, char sep) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  for (size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || s[i] == sep) {
      parts.push_back(s.substr(start, i - start));
      start = i + 1;
    }
  }
  return parts;
}

std::string WithCheckDigit(std::string digits) {
  digits.push_back(Gs1CheckDigit(digits));
  return digits;
}

// --- EPC URIs ---

// A character of GS1 AI encodable character set 39 (the CPI's component/part reference).
bool InSet39(char c) {
  return IsDigit(c) || IsUpper(c) || c == '#' || c == '-' || c == '/';
}

// An EPC URI component of 1..max characters of a GS1 character set: each character as itself
// where a URI allows it (`raw`), or %-escaped (TDS section 5, table 5-1).
template <typename Raw, typename Set>
bool IsEscapedComponent(std::string_view s, size_t max, Raw raw, Set set) {
  size_t chars = 0;
  for (size_t i = 0; i < s.size(); ++chars) {
    if (s[i] == '%') {
      if (i + 2 >= s.size() || !IsHex(s[i + 1]) || !IsHex(s[i + 2])) return false;
      const char decoded =
          static_cast<char>(HexDigitValue(s[i + 1]) * 16 + HexDigitValue(s[i + 2]));
      if (!set(decoded)) return false;
      i += 3;
    } else {
      if (!raw(s[i])) return false;
      ++i;
    }
  }
  return chars >= 1 && chars <= max;
}

// Set 82 in an EPC URI: the characters a URI may carry as they are; " % & / < > ? escaped.
bool IsSet82Component(std::string_view s, size_t max) {
  return IsEscapedComponent(
      s, max,
      [](char c) {
        return InSet82(c) && std::string_view("\"%&/<>?").find(c) == std::string_view::npos;
      },
      InSet82);
}

// Set 39 in an EPC URI: digits, capitals and '-' as they are, '#' and '/' escaped.
bool IsSet39Component(std::string_view s, size_t max) {
  return IsEscapedComponent(
      s, max, [](char c) { return IsDigit(c) || IsUpper(c) || c == '-'; }, InSet39);
}

// A component carried from an EPC URI into a Digital Link path: its %-escapes kept, and the
// characters an EPC URI may hold raw but a Digital Link path segment may not, escaped
// (Digital Link Standard, table 7-1).
std::string DlEscape(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '!':
        out += "%21";
        break;
      case '(':
        out += "%28";
        break;
      case ')':
        out += "%29";
        break;
      case '*':
        out += "%2A";
        break;
      case '+':
        out += "%2B";
        break;
      case ',':
        out += "%2C";
        break;
      case ':':
        out += "%3A";
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

// A GS1 company prefix (6 to 12 digits) and the reference after it, digits only, `total`
// digits together.
bool IsPrefixAndReference(std::string_view cp, std::string_view ref, size_t total) {
  return cp.size() >= 6 && cp.size() <= 12 && AllDigits(cp) && AllDigits(ref) &&
         cp.size() + ref.size() == total;
}

// GTIN-14 without its check digit from an SGTIN-style company prefix and item reference, whose
// first digit is the indicator digit.
std::string Gtin13(std::string_view cp, std::string_view item) {
  std::string digits(item.substr(0, 1));
  digits += cp;
  digits += item.substr(1);
  return digits;
}

// urn:epc:id:<scheme>:<body> (and lgtin, and the idpat patterns whose last field is '*').
std::optional<std::string> FromEpcId(std::string_view scheme, std::string_view body) {
  const std::vector<std::string_view> f = Split(body, '.');
  const auto rest_from = [&](size_t n) {  // fields n.. joined back: a serial may hold '.'
    size_t pos = 0;
    for (size_t i = 0; i < n; ++i)
      pos += f[i].size() + 1;
    return body.substr(pos);
  };
  std::string out(kCanonicalHost);
  if (scheme == "sgtin" || scheme == "upui") {
    if (f.size() < 3 || !IsPrefixAndReference(f[0], f[1], 13)) return std::nullopt;
    const bool sgtin = scheme == "sgtin";
    const std::string_view serial = rest_from(2);
    if (!IsSet82Component(serial, sgtin ? 20 : 28)) return std::nullopt;
    return out + "01/" + WithCheckDigit(Gtin13(f[0], f[1])) + (sgtin ? "/21/" : "/235/") +
           DlEscape(serial);
  }
  if (scheme == "sscc") {
    if (f.size() != 2 || !IsPrefixAndReference(f[0], f[1], 17)) return std::nullopt;
    return out + "00/" +
           WithCheckDigit(std::string(f[1].substr(0, 1)) + std::string(f[0]) +
                          std::string(f[1].substr(1)));
  }
  if (scheme == "sgln") {
    if (f.size() < 3 || !IsPrefixAndReference(f[0], f[1], 12)) return std::nullopt;
    const std::string_view extension = rest_from(2);
    if (!IsSet82Component(extension, 20)) return std::nullopt;
    out += "414/" + WithCheckDigit(std::string(f[0]) + std::string(f[1]));
    // Extension 0 names the location itself (TDS 6.3.3).
    if (extension != "0") out += "/254/" + DlEscape(extension);
    return out;
  }
  if (scheme == "grai" || scheme == "gdti") {
    if (f.size() < 3 || !IsPrefixAndReference(f[0], f[1], 12)) return std::nullopt;
    const bool grai = scheme == "grai";
    const std::string_view serial = rest_from(2);
    if (!IsSet82Component(serial, grai ? 16 : 17)) return std::nullopt;
    // The GRAI's AI (8003) data begins with a zero digit before the GRAI-13.
    return out + (grai ? "8003/0" : "253/") +
           WithCheckDigit(std::string(f[0]) + std::string(f[1])) + DlEscape(serial);
  }
  if (scheme == "giai" || scheme == "ginc") {
    if (f.size() < 2 || f[0].size() < 6 || f[0].size() > 12 || !AllDigits(f[0])) {
      return std::nullopt;
    }
    const std::string_view reference = rest_from(1);
    if (!IsSet82Component(reference, 30 - f[0].size())) return std::nullopt;
    return out + (scheme == "giai" ? "8004/" : "401/") + std::string(f[0]) + DlEscape(reference);
  }
  if (scheme == "gsrn" || scheme == "gsrnp") {
    if (f.size() != 2 || !IsPrefixAndReference(f[0], f[1], 17)) return std::nullopt;
    return out + (scheme == "gsrn" ? "8018/" : "8017/") +
           WithCheckDigit(std::string(f[0]) + std::string(f[1]));
  }
  if (scheme == "cpi") {
    if (f.size() != 3 || f[0].size() < 6 || f[0].size() > 12 || !AllDigits(f[0]) ||
        !IsSet39Component(f[1], 30 - f[0].size()) || f[2].empty() || f[2].size() > 12 ||
        !AllDigits(f[2])) {
      return std::nullopt;
    }
    return out + "8010/" + DlEscape(std::string(f[0]) + std::string(f[1])) + "/8011/" +
           std::string(f[2]);
  }
  if (scheme == "sgcn") {
    if (f.size() != 3 || !IsPrefixAndReference(f[0], f[1], 12) || f[2].empty() ||
        f[2].size() > 12 || !AllDigits(f[2])) {
      return std::nullopt;
    }
    return out + "255/" + WithCheckDigit(std::string(f[0]) + std::string(f[1])) + std::string(f[2]);
  }
  if (scheme == "gsin") {
    if (f.size() != 2 || !IsPrefixAndReference(f[0], f[1], 16)) return std::nullopt;
    return out + "402/" + WithCheckDigit(std::string(f[0]) + std::string(f[1]));
  }
  if (scheme == "itip") {
    if (f.size() < 5 || !IsPrefixAndReference(f[0], f[1], 13) || f[2].size() != 2 ||
        !AllDigits(f[2]) || f[3].size() != 2 || !AllDigits(f[3])) {
      return std::nullopt;
    }
    const std::string_view serial = rest_from(4);
    if (!IsSet82Component(serial, 20)) return std::nullopt;
    return out + "8006/" + WithCheckDigit(Gtin13(f[0], f[1])) + std::string(f[2]) +
           std::string(f[3]) + "/21/" + DlEscape(serial);
  }
  if (scheme == "pgln") {
    if (f.size() != 2 || !IsPrefixAndReference(f[0], f[1], 12)) return std::nullopt;
    return out + "417/" + WithCheckDigit(std::string(f[0]) + std::string(f[1]));
  }
  return std::nullopt;
}

// urn:epc:class:lgtin:<cp>.<item>.<lot>: a GTIN with its batch/lot (AI 10).
std::optional<std::string> FromLgtin(std::string_view body) {
  const std::vector<std::string_view> f = Split(body, '.');
  if (f.size() < 3 || !IsPrefixAndReference(f[0], f[1], 13)) return std::nullopt;
  const std::string_view lot = body.substr(f[0].size() + f[1].size() + 2);
  if (!IsSet82Component(lot, 20)) return std::nullopt;
  return std::string(kCanonicalHost) + "01/" + WithCheckDigit(Gtin13(f[0], f[1])) + "/10/" +
         DlEscape(lot);
}

// urn:epc:idpat:<scheme>:<fields>.*: every instance of a class; the class's key alone.
std::optional<std::string> FromIdPattern(std::string_view scheme, std::string_view body) {
  if (!body.ends_with(".*")) return std::nullopt;
  const std::vector<std::string_view> f = Split(body.substr(0, body.size() - 2), '.');
  std::string out(kCanonicalHost);
  if ((scheme == "sgtin" || scheme == "upui") && f.size() == 2 &&
      IsPrefixAndReference(f[0], f[1], 13)) {
    return out + "01/" + WithCheckDigit(Gtin13(f[0], f[1]));
  }
  if ((scheme == "grai" || scheme == "gdti" || scheme == "sgcn") && f.size() == 2 &&
      IsPrefixAndReference(f[0], f[1], 12)) {
    const std::string_view ai = scheme == "grai" ? "8003/0" : scheme == "gdti" ? "253/" : "255/";
    return out + std::string(ai) + WithCheckDigit(std::string(f[0]) + std::string(f[1]));
  }
  if (scheme == "cpi" && f.size() == 2 && f[0].size() >= 6 && f[0].size() <= 12 &&
      AllDigits(f[0]) && IsSet39Component(f[1], 30 - f[0].size())) {
    return out + "8010/" + DlEscape(std::string(f[0]) + std::string(f[1]));
  }
  if (scheme == "itip" && f.size() == 4 && IsPrefixAndReference(f[0], f[1], 13) &&
      f[2].size() == 2 && AllDigits(f[2]) && f[3].size() == 2 && AllDigits(f[3])) {
    return out + "8006/" + WithCheckDigit(Gtin13(f[0], f[1])) + std::string(f[2]) +
           std::string(f[3]);
  }
  return std::nullopt;
}

std::optional<std::string> FromEpcUri(std::string_view uri) {
  for (std::string_view kind : {"urn:epc:id:", "urn:epc:idpat:", "urn:epc:class:lgtin:"}) {
    if (!uri.starts_with(kind)) continue;
    std::string_view rest = uri.substr(kind.size());
    if (kind == "urn:epc:class:lgtin:") return FromLgtin(rest);
    const size_t colon = rest.find(':');
    if (colon == std::string_view::npos) return std::nullopt;
    const std::string_view scheme = rest.substr(0, colon);
    const std::string_view body = rest.substr(colon + 1);
    return kind == "urn:epc:id:" ? FromEpcId(scheme, body) : FromIdPattern(scheme, body);
  }
  return std::nullopt;
}

// --- GS1 Digital Link URIs ---

// The primary keys, in the order a non-canonical URI is searched for them.
constexpr std::array<std::string_view, 14> kPrimaryKeys = {"00",   "01",   "253",  "255",  "401",
                                                           "402",  "414",  "417",  "8003", "8004",
                                                           "8006", "8010", "8017", "8018"};

// Digital Link short names (Digital Link Standard 1.2, table 7-1) and their AIs.
constexpr std::array<std::pair<std::string_view, std::string_view>, 17> kShortNames = {{
    {"gtin", "01"},
    {"itip", "8006"},
    {"cpid", "8010"},
    {"gln", "414"},
    {"party", "417"},
    {"gsrnp", "8017"},
    {"gsrn", "8018"},
    {"gcn", "255"},
    {"sscc", "00"},
    {"gdti", "253"},
    {"ginc", "401"},
    {"gsin", "402"},
    {"grai", "8003"},
    {"giai", "8004"},
    {"cpv", "22"},
    {"lot", "10"},
    {"ser", "21"},
}};

bool IsPrimaryKey(std::string_view ai) {
  for (std::string_view key : kPrimaryKeys) {
    if (key == ai) return true;
  }
  return false;
}

std::string_view AiOf(std::string_view segment) {
  for (const auto& [name, ai] : kShortNames) {
    if (segment == name) return ai;
  }
  return segment;
}

// A character a canonical Digital Link path segment may hold as it is (the URI-safe subset of
// set 82: no escapes, no reserved characters).
bool IsDlSafe(char c) {
  return IsDigit(c) || IsUpper(c) || (c >= 'a' && c <= 'z') ||
         std::string_view("\"'-.;<=>?_").find(c) != std::string_view::npos;
}

bool IsDlValue(std::string_view s, size_t max) {
  if (s.size() > max) return false;
  for (char c : s) {
    if (!IsDlSafe(c)) return false;
  }
  return true;
}

bool DigitsThenDlValue(std::string_view s, size_t digits, size_t max) {
  return s.size() >= digits && AllDigits(s.substr(0, digits)) && IsDlValue(s.substr(digits), max);
}

struct Qualifier {
  std::string_view ai, value;
};

// Whether a rebased URI has the syntax of a constrained canonical Digital Link URI.
bool IsCanonical(std::string_view key, std::string_view value, const std::vector<Qualifier>& q) {
  const auto digits = [&](size_t n) { return value.size() == n && AllDigits(value); };
  const auto one = [&](std::initializer_list<std::string_view> ais, size_t max) {
    if (q.empty()) return true;
    if (q.size() != 1) return false;
    for (std::string_view ai : ais) {
      if (q[0].ai == ai) return IsDlValue(q[0].value, max);
    }
    return false;
  };
  if (key == "00") return digits(18) && q.empty();
  if (key == "01") {
    if (!digits(14)) return false;
    if (!q.empty() && q.size() == 1 && q[0].ai == "235") return IsDlValue(q[0].value, 28);
    return one({"21", "10"}, 20);
  }
  if (key == "253") return DigitsThenDlValue(value, 13, 17) && q.empty();
  if (key == "255") {
    return value.size() >= 13 && value.size() <= 25 && AllDigits(value) && q.empty();
  }
  if (key == "401" || key == "8004") return IsDlValue(value, 30) && q.empty();
  if (key == "402") return digits(17) && q.empty();
  if (key == "414") return digits(13) && one({"254"}, 20);
  if (key == "417") return digits(13) && q.empty();
  if (key == "8003") return DigitsThenDlValue(value, 14, 16) && q.empty();
  if (key == "8006") return digits(18) && one({"21", "10"}, 20);
  if (key == "8010") {
    if (value.size() > 30) return false;
    for (char c : value) {
      if (!InSet39(c)) return false;
    }
    return q.empty() ||
           (q.size() == 1 && q[0].ai == "8011" && q[0].value.size() <= 12 && AllDigits(q[0].value));
  }
  if (key == "8017" || key == "8018") return digits(18) && q.empty();
  return false;
}

std::optional<std::string> FromDigitalLink(std::string_view uri) {
  std::string_view rest;
  if (uri.starts_with("https://")) {
    rest = uri.substr(8);
  } else if (uri.starts_with("http://")) {
    rest = uri.substr(7);
  } else {
    return std::nullopt;
  }
  rest = rest.substr(0, rest.find('?'));  // the query string: attributes, never identity
  if (rest.find('#') != std::string_view::npos) return std::nullopt;
  const size_t slash = rest.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  std::vector<std::string_view> segments = Split(rest.substr(slash + 1), '/');
  for (std::string_view& segment : segments)
    segment = AiOf(segment);

  // The primary key: first in the path of a URI on id.gs1.org, else searched for by the order
  // of kPrimaryKeys. Its value begins with four digits (every key starts with a company prefix
  // or an indicator and prefix).
  size_t start = segments.size();
  const auto key_at = [&](size_t i) {
    return i + 1 < segments.size() && IsPrimaryKey(segments[i]) &&
           LeadingDigits(segments[i + 1]) >= 4 && segments[i + 1].size() >= 5;
  };
  bool any = false;
  for (size_t i = 0; i < segments.size(); ++i)
    any = any || key_at(i);
  if (!any) return std::nullopt;
  if (uri.starts_with(kCanonicalHost) && key_at(0)) {
    start = 0;
  } else {
    for (std::string_view key : kPrimaryKeys) {
      for (size_t i = 0; i < segments.size() && start == segments.size(); ++i) {
        if (segments[i] == key) start = i;
      }
      if (start != segments.size()) break;
    }
  }
  if (start + 1 >= segments.size()) return std::nullopt;
  const std::string_view key = segments[start];
  std::string value(segments[start + 1]);
  if ((segments.size() - start) % 2 != 0) return std::nullopt;
  std::vector<Qualifier> qualifiers;
  for (size_t i = start + 2; i + 1 < segments.size(); i += 2) {
    qualifiers.push_back({segments[i], segments[i + 1]});
  }

  // A GTIN-8, -12 or -13 in its 14-digit form.
  if (key == "01") {
    const size_t n = LeadingDigits(value);
    if (n == 8) value.insert(0, 6, '0');
    if (n == 12) value.insert(0, 2, '0');
    if (n == 13) value.insert(0, 1, '0');
  }
  if (key == "01" || key == "8006") {
    // The consumer product variant (AI 22) qualifies a GTIN for display, not for identity.
    if (!qualifiers.empty() && qualifiers[0].ai == "22") {
      // Everything after it stays only as far as it is plain data of at most 20 characters,
      // as the reference implementation of the event hash rules it.
      size_t tail = qualifiers[0].value.size();
      for (size_t i = 1; i < qualifiers.size(); ++i) {
        tail += qualifiers[i].ai.size() + qualifiers[i].value.size() + 2;
        if (!IsDlValue(qualifiers[i].value, 20)) return std::nullopt;
      }
      if (tail > 20 || !IsDlValue(qualifiers[0].value, 20)) return std::nullopt;
      qualifiers.erase(qualifiers.begin());
    }
    // A serial identifies the instance; its lot is then left out.
    if (qualifiers.size() == 2 && qualifiers[0].ai == "10" && qualifiers[1].ai == "21" &&
        IsDlValue(qualifiers[0].value, 20) && IsDlValue(qualifiers[1].value, 20)) {
      qualifiers.erase(qualifiers.begin());
    }
  }
  if (!IsCanonical(key, value, qualifiers)) return std::nullopt;
  std::string out = std::string(kCanonicalHost) + std::string(key) + "/" + value;
  for (const Qualifier& q : qualifiers) {
    out += "/" + std::string(q.ai) + "/" + std::string(q.value);
  }
  return out;
}

}  // namespace

std::string CanonicalEpc(std::string_view id) {
  if (std::optional<std::string> dl = FromEpcUri(id)) return *std::move(dl);
  if (std::optional<std::string> dl = FromDigitalLink(id)) return *std::move(dl);
  return std::string(id);
}

}  // namespace battrace::epcis
