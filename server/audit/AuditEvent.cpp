#include "server/audit/AuditEvent.h"

#include "signing/digest.h"

namespace rxflow::audit {

void setStaff(AuditEvent& e, const StaffRef& staff) {
    e.staffId = staff.id;
    e.staffKind = staffKindName(staff.kind);
    e.staffName = staff.name;
    e.staffLicense = staff.license;
}

AuditEvent eventBy(const Principal& actor, const std::string& prescription, const std::string& action, long long at) {
    AuditEvent e;
    e.chain = e.prescription = prescription;
    e.at = at;
    e.actorRole = roleName(actor.role);
    e.actorOrg = actor.org;
    e.actorPrincipal = actor.id;
    if (actor.staff) setStaff(e, *actor.staff);
    e.action = action;
    e.outcome = "ok";
    return e;
}

AuditEvent serverEvent(const std::string& prescription, const std::string& action, long long at) {
    AuditEvent e = eventBy(Principal{"rxflow", Role::Admin, kPlatformOrg, "", "server", "", std::nullopt}, prescription, action, at);
    e.actorRole = "server";
    return e;
}

AuditEvent registryEvent(const Principal& actor, const std::string& action, const std::string& detail, long long at) {
    AuditEvent e = eventBy(actor, "", action, at);
    e.chain = "registry";
    e.detail = detail;
    return e;
}

std::string eventHash(const AuditEvent& e) {
    std::string material;
    auto field = [&material](const std::string& v) { material += std::to_string(v.size()) + ":" + v + ";"; };
    for (const std::string* v : {&e.chain, &e.actorRole, &e.actorOrg, &e.actorPrincipal, &e.action, &e.prescription,
                                 &e.fromStatus, &e.toStatus, &e.outcome, &e.detail, &e.prevHash})
        field(*v);
    field(std::to_string(e.chainSeq));
    field(std::to_string(e.at));
    if (!e.staffId.empty())
        for (const std::string* v : {&e.staffId, &e.staffKind, &e.staffName, &e.staffLicense}) field(*v);
    return rxsign::sha256Hex(material);
}

}  // namespace rxflow::audit
