#pragma once
// rxflow verify FILE --platform-key PEM --trust-ca PEM (API.md §10): checks a saved
// /v1/prescriptions/{id}/signed document offline, with nothing but the platform's public key
// and the trust anchors: the prescriber's signature over the canonical prescription, the
// certificate's path (at issuedAt and at the countersignature's signedAt), the license, and
// the platform's countersignature; and each signed review in `reviews` (API.md §11): the
// pharmacist's signature, certificate path at reviewedAt and license.
#include <ostream>
#include <string>

namespace rxflow {

// 0 when everything holds (one summary line on `out`, then one line per review, signed or not);
// 1 naming the first failure on `err`;
// 2 when an input file cannot be read.
int verifySignedDocument(const std::string& documentPath, const std::string& platformKeyPath,
                         const std::string& trustCaPath, std::ostream& out, std::ostream& err);

// rxflow audit verify [--db URL] (API.md §7): checks every audit chain in the database
// offline. 0 and a summary when all links hold; 1 naming the first bad event; 2 when the
// database cannot be read.
int verifyAuditTrail(const std::string& dbUrl, std::ostream& out, std::ostream& err);

}  // namespace rxflow
