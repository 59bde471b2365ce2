#include "domain/finding.h"

namespace battrace::domain {

nlohmann::ordered_json AuthorityToJson(const Authority& authority) {
  return {{"department", authority.department}, {"division", authority.division}};
}

nlohmann::ordered_json FindingToJson(const Finding& f) {
  nlohmann::ordered_json j = {
      {"kind", f.kind}, {"article", f.article}, {"party", f.party}, {"subject", f.subject}};
  if (f.due) j["due"] = f.due->ToString();
  j["evidence"] = f.evidence;
  j["authority"] = AuthorityToJson(f.authority);
  j["detail"] = f.detail;
  return j;
}

}  // namespace battrace::domain
