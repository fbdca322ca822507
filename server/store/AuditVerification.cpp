#include "server/store/AuditVerification.h"

#include "server/store/AuditRepo.h"
#include "server/store/CheckpointRepo.h"
#include "server/store/PlatformKeyRepo.h"

namespace rxflow::store {

audit::VerifyResult verifyStoredAudit(Tx& tx) {
    const std::vector<audit::AuditEvent> events = AuditRepo::all(tx);
    audit::VerifyResult r = audit::verifyChains(events);
    std::map<std::string, std::string> keys;
    for (const PlatformKeyRow& k : PlatformKeyRepo::all(tx)) keys[k.keyId] = k.pem;
    audit::verifyCheckpoints(r, CheckpointRepo::all(tx), events, keys);
    return r;
}

}  // namespace rxflow::store
