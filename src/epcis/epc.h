// One spelling for every GS1 identifier an EPCIS event names, so that the same object matches
// and hashes the same whichever way it was written: an EPC URI of the GS1 EPC Tag Data Standard
// (urn:epc:id:sgtin:0614141.812345.6789, urn:epc:class:lgtin:..., urn:epc:idpat:...) or a GS1
// Digital Link URI on any host (https://example.com/gtin/614141123452/ser/6789?x=1) becomes the
// constrained canonical GS1 Digital Link URI the CBV 2.0 event hash (section 8.9) uses:
// https://id.gs1.org/<primary key AI>/<key>[/<qualifier AI>/<value>], AIs numeric, GTINs in 14
// digits, no key-qualifier CPV, no lot beside a serial, no query string.
#pragma once

#include <string>
#include <string_view>

namespace battrace::epcis {

// The canonical GS1 Digital Link URI of a GS1 EPC URI (id, class lgtin or id pattern of the
// schemes sgtin, sscc, sgln, grai, giai, gsrn, gsrnp, gdti, cpi, sgcn, ginc, gsin, itip, upui,
// pgln) or of a GS1 Digital Link URI; anything else (another URI, a malformed EPC URI, a key of
// the wrong length) is returned as it is.
std::string CanonicalEpc(std::string_view id);

}  // namespace battrace::epcis
