#pragma once
// The one path every state change of a prescription takes (DESIGN.md "How a request flows"):
// in one write transaction, load the prescription locked, check who may see it, If-Match,
// and expiry; let the lifecycle table decide; write the state and the audit event. A refused
// change is written to the audit trail in a transaction of its own, then answered.
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "server/domain/Lifecycle.h"
#include "server/http/RequestContext.h"
#include "server/store/PrescriptionRepo.h"

namespace rxflow::http {

struct ChangeResult {
    explicit ChangeResult(std::string detail, std::optional<Status> between = std::nullopt, std::string action = {},
                          std::string actionDetail = {})
        : detail(std::move(detail)), betweenStatus(std::move(between)), followUpAction(std::move(action)),
          followUpDetail(std::move(actionDetail)) {}
    std::string detail;  // for the audit event (no personal data)
    // A second step taken by the server right after (e.g. re-routing after a rejection):
    // the record's status is already the final one; this names the status in between.
    std::optional<Status> betweenStatus;
    std::string followUpAction;
    std::string followUpDetail;
    // Why the store that had it lost it, for the store's message: a re-routing unless the
    // change says otherwise (a cancel gives the clinic's reason).
    std::string storeReason = "rerouted";
    // A refusal whose side effects (e.g. counting a wrong pickup code) must be committed: the
    // state stays as it was, the refusal is audited and answered.
    std::shared_ptr<Error> committedRefusal;
};

// `apply` gets the locked record with `status` already set to the table's next state and may
// change store and fulfillment or refuse by throwing Error; it runs before the write.
using ApplyChange = std::function<ChangeResult(store::Tx&, store::PrescriptionRecord&, Status fromStatus)>;

// Runs before the lifecycle check; a response it returns is the answer, and nothing changes.
using Precheck = std::function<std::optional<Response>(store::Tx&, const store::PrescriptionRecord&)>;

Response changePrescription(RequestContext& ctx, Action action, const ApplyChange& apply,
                            const Precheck& precheck = nullptr);

// Who may see the prescription at all (404 for everyone else): the issuing clinic, admin, the
// chain (or the bound store) of the store it is routed to, and for payments the insurer of
// the patient's region.
bool mayWork(const Principal& p, const store::PrescriptionRecord& rx, const std::string& storeChain);
// Who may read the whole prescription, /signed and its audit (API.md §5): the clinic, the
// routed store's chain and admin. The insurer works payments but never sees the whole.
bool mayReadWhole(const Principal& p, const store::PrescriptionRecord& rx, const std::string& storeChain);
// The chain of the store the prescription is routed to ("" when none).
std::string storeChainOf(store::Tx& tx, const store::PrescriptionRecord& rx);

// The response of a change: the whole view with its ETag.
Response viewResponse(store::Tx& tx, Services& s, const store::PrescriptionRecord& p, int status = 200);

// Writes a refused action on `prescriptionId` to its audit chain in a transaction of its own
// (the refused one rolled back); quietly does nothing for an unknown prescription.
void auditRefusal(Services& s, const Principal& caller, const std::string& prescriptionId, const std::string& action,
                  const Error& refusal);

}  // namespace rxflow::http
