#include "server/http/Pharmacist.h"

namespace rxflow::http {

Error pharmacistNotRegistered(const std::string& detail) {
    return Error(422, "pharmacist_not_registered", detail,
                 {{"/pharmacist/license", detail, "pharmacist_not_registered", {}}});
}

std::optional<PharmacistInput> readPharmacist(BodyReader& in, const Principal& caller) {
    auto who = in.child("pharmacist", false);
    if (!who) return std::nullopt;
    PharmacistInput p;
    p.name = caller.staff ? who->optStr("name", 100).value_or("") : who->str("name", 100);
    p.license = who->str("license", 32);
    p.signature = who->child("signature", false);
    return p;
}

void namePharmacist(const Principal& caller, const std::optional<PharmacistInput>& sent, workflow::Request& r) {
    if (caller.isStaff(StaffKind::Pharmacist)) {
        if (sent && sent->license != caller.staff->license)
            throw pharmacistNotRegistered("pharmacist.license must be the logged-in pharmacist's own (" +
                                          caller.staff->license + ")");
        r.pharmacist = caller.staff->name + " (" + caller.staff->license + ")";
        return;
    }
    if (caller.staff) {  // a clerk: the member acts; a pharmacist named must be of the store
        r.pharmacist = caller.staff->name + " (" + staffKindName(caller.staff->kind) + ")";
        if (sent) r.claim = workflow::PharmacistClaim{sent->license, false};
        return;
    }
    if (!sent)
        throw pharmacistNotRegistered(
            "an organisation's token must name the pharmacist: pharmacist {name, license} of an active "
            "pharmacist registered for the store");
    r.pharmacist = sent->name + " (" + sent->license + ")";
    r.claim = workflow::PharmacistClaim{sent->license, true};
}

}  // namespace rxflow::http
