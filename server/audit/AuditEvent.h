#pragma once
// One audit event (API.md §7) and how it is linked into its chain: each event's hash covers
// every field and the previous event's hash, so an edit, deletion, insertion or reordering
// inside a chain breaks the links. (Signed checkpoints over all chain heads are the next step.)
#include <string>

#include "server/domain/Principal.h"

namespace rxflow::audit {

inline const std::string kGenesisHash(64, '0');

struct AuditEvent {
    long long seq = 0;       // global order of writing
    std::string chain;       // a prescription id, or "registry", ...
    long long chainSeq = 0;  // 1, 2, ... within the chain
    long long at = 0;        // epoch ms
    std::string actorRole, actorOrg, actorPrincipal;
    // The staff member behind the principal (API.md §11), all empty for an organisation's system.
    std::string staffId, staffKind, staffName, staffLicense;
    std::string action;        // e.g. "issue", "read", "accept"
    std::string prescription;  // empty when about no prescription
    std::string fromStatus, toStatus;
    std::string outcome;  // "ok" or "refused"
    std::string detail;   // never personal data
    std::string prevHash;
    std::string hash;
};

// The staff member an event records as having acted (API.md §11).
void setStaff(AuditEvent& e, const StaffRef& staff);

// An event about a prescription (its chain), outcome "ok", by a caller or by the server itself.
AuditEvent eventBy(const Principal& actor, const std::string& prescription, const std::string& action, long long at);
AuditEvent serverEvent(const std::string& prescription, const std::string& action, long long at);
// A change to the registries (chain "registry"); `detail` names what changed, never personal data.
AuditEvent registryEvent(const Principal& actor, const std::string& action, const std::string& detail, long long at);

// SHA-256 hex over the event's fields (length-prefixed, so no two events collide by
// shifting bytes between fields) and its prevHash. The staff fields are covered when there is a
// staff member, so events written before staff existed keep their hashes.
std::string eventHash(const AuditEvent& e);

}  // namespace rxflow::audit
