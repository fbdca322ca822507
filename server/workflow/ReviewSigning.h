#pragma once
// The bytes of a pharmacist's signed review (API.md §11), for the server's check of
// `pharmacist.signature` (with PrescriberVerifier::check) and for `rxflow verify`. Defined in
// rxsign (signing/review.h) because rxsign-tool, which has no server library, signs them too.
#include "signing/review.h"

namespace rxflow {

using rxsign::reviewSignedBytes;

}  // namespace rxflow
