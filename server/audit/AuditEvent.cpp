#include "server/audit/AuditEvent.h"

#include "signing/digest.h"

namespace rxflow::audit {

std::string eventHash(const AuditEvent& e) {
    std::string material;
    auto field = [&material](const std::string& v) { material += std::to_string(v.size()) + ":" + v + ";"; };
    for (const std::string* v : {&e.chain, &e.actorRole, &e.actorOrg, &e.actorPrincipal, &e.action, &e.prescription,
                                 &e.fromStatus, &e.toStatus, &e.outcome, &e.detail, &e.prevHash})
        field(*v);
    field(std::to_string(e.chainSeq));
    field(std::to_string(e.at));
    return rxsign::sha256Hex(material);
}

}  // namespace rxflow::audit
