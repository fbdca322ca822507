#pragma once
// The one path every change of a prescription takes (DESIGN.md "How a request flows"): the
// lifecycle calls, a courier's delivery events, a payment's reversal, routing at issue, FHIR
// MedicationDispense (mapped onto dispense or handover) and the sweep's expiry and accept
// time-outs. In the caller's write transaction it loads the prescription locked, expires it if
// due, checks If-Match, asks the domain (decide), applies the decision through the
// repositories, writes the audit event and the outbox messages, and returns a typed outcome. A
// refused change is written to the audit trail here only: inside the transaction when its side
// effect is kept (a wrong pickup code, a change seen after expiry), else in one of its own
// after the refused one rolled back.
#include <Poco/JSON/Object.h>

#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "server/audit/AuditEvent.h"
#include "server/domain/Clock.h"
#include "server/domain/Decide.h"
#include "server/domain/Principal.h"
#include "server/domain/StoreChoice.h"
#include "server/store/DataCipher.h"
#include "server/store/Database.h"
#include "server/store/PaymentRepo.h"
#include "server/store/PrescriptionRepo.h"
#include "server/store/ReviewRepo.h"

namespace rxflow::workflow {

struct Loaded;  // Changes.h

// What the workflow needs of the running server.
struct Env {
    store::Database& db;
    const store::DataCipher& cipher;
    const Clock& clock;
    long long acceptTimeoutMs;
};

// What a change names: a prescription, the delivery a courier reports on, or a settlement.
struct Target {
    enum class Kind { Prescription, Delivery, Settlement };
    Kind kind = Kind::Prescription;
    std::string id;
};

// A pharmacist named by license (API.md §11) who must be an active pharmacist of the caller's
// chain registered for the prescription's store (422 pharmacist_not_registered). With an
// organisation's token they are recorded as the one who acted.
struct PharmacistClaim {
    std::string license;
    bool recordAsActor = true;
};

// One change as asked, with the data its command carries.
struct Request {
    Request(const Principal& actor, Target target, Command command, std::string ifMatch = {})
        : actor(actor), target(std::move(target)), command(std::move(command)), ifMatch(std::move(ifMatch)) {}
    const Principal& actor;
    Target target;
    Command command;
    std::string ifMatch;                  // the If-Match header, or empty
    Poco::JSON::Object::Ptr fulfillment;  // route
    std::string code;                     // dispense: the pickup code; delivered: the proof code
    std::string pharmacist;               // dispense: "name (license)", for the audit event
    std::string reasonCode;               // review: why rejected
    std::optional<store::ReviewRecord> review;    // review: what is recorded of it
    std::optional<PharmacistClaim> claim;         // review, dispense, handover with a license
    long long reviewedVersion = 0;                // a signed review: the version it reviewed
    std::string reason;                   // cancel: the clinic's reason, told to the store
    store::Payment payment;               // pay
};

// The prescription after a change; `refusal` is set when the answer is a refusal whose side
// effects were committed (the state as it was).
struct Outcome {
    store::PrescriptionRecord rx;
    std::optional<Error> refusal;
    std::optional<store::Delivery> delivery;  // a delivery event's delivery
};

// What the whole view shows beside the record, read in the same transaction.
struct View {
    store::PrescriptionRecord rx;
    std::vector<audit::AuditEvent> history;
    std::optional<store::Payment> payment;
    std::optional<store::Delivery> delivery;
    std::vector<store::ReviewRecord> reviews;
};
View readView(store::Tx& tx, const store::PrescriptionRecord& rx);

// A prescription just issued, and how routing it went.
struct Issued {
    store::PrescriptionRecord rx;
    routing::RouteDecision routed;
};

class Workflow {
  public:
    explicit Workflow(Env env) : env_(env) {}

    // Runs `request` inside the write transaction `write` opens around a function of store::Tx&
    // (the HTTP layer's, which keeps the Idempotency-Key record in it); `then(tx, outcome)` makes
    // the caller's answer inside the transaction. A refusal thrown is audited, then rethrown.
    template <class Write, class Then>
    auto change(const Request& request, Write&& write, Then&& then) {
        std::string prescriptionId;  // known once found: a refusal is audited on it
        try {
            return write([&](store::Tx& tx) { return then(tx, apply(tx, request, prescriptionId)); });
        } catch (const Error& refusal) {
            recordRefusal(request, prescriptionId, refusal);
            throw;
        }
    }

    // Inserts a verified, countersigned prescription (active) and routes it when it names a
    // fulfilment; one that no store can take is still issued, active, with the reason.
    Issued issue(store::Tx& tx, const Principal& clinic, store::PrescriptionRecord rx,
                 const Poco::JSON::Object::Ptr& fulfillment);

    // The time-driven changes, by the server, on a locked record; true when made.
    bool expireIfDue(store::Tx& tx, store::PrescriptionRecord& rx, long long nowMs);
    bool timeOutIfDue(store::Tx& tx, store::PrescriptionRecord& rx, long long nowMs);

    // A read of the whole prescription (API.md §5) by one who may read it (404 for everyone
    // else), written to its audit chain as `action`; `snapshot(tx, rx)` takes what the answer
    // needs. The snapshot is taken on a pooled session beside other requests; the write that
    // follows only appends the event, after checking under the row's lock that the
    // prescription is still the version read and not yet due to expire. When it is not (a
    // change came in between, or expiry is due, which the read itself must carry out), the
    // whole read runs again as one write transaction.
    template <class Snapshot>
    auto readWhole(const Principal& caller, const std::string& id, const std::string& action,
                   Snapshot&& snapshot) {
        using Value = std::decay_t<decltype(snapshot(std::declval<store::Tx&>(),
                                                     std::declval<const store::PrescriptionRecord&>()))>;
        struct Seen {
            Value value;
            ReadStamp stamp;
        };
        auto seen = env_.db.read([&](store::Tx& tx) -> std::optional<Seen> {
            const store::PrescriptionRecord rx = readable(tx, caller, id);
            if (expiryDue(rx.status, rx.expiresAt, env_.clock.nowMs())) return std::nullopt;
            return Seen{snapshot(tx, rx), {rx.version, rx.expiresAt}};
        });
        if (seen && recordRead(caller, id, action, seen->stamp)) return std::move(seen->value);
        return env_.db.write([&](store::Tx& tx) {
            store::PrescriptionRecord rx = readable(tx, caller, id);
            seenBy(tx, caller, rx, action);
            return snapshot(tx, rx);
        });
    }
    // A read by `caller` of the locked `rx` (a part of it, or the whole): it expires now if due,
    // and the read is written to its audit chain as `action`. True when it expired.
    bool seenBy(store::Tx& tx, const Principal& caller, store::PrescriptionRecord& rx,
                const std::string& action);

    const Env& env() const { return env_; }

  private:
    struct ReadStamp {
        long long version;
        long long expiresAt;
    };
    store::PrescriptionRecord readable(store::Tx& tx, const Principal& caller, const std::string& id);
    // Appends the read's event if the prescription is still as read; false when it is not.
    bool recordRead(const Principal& caller, const std::string& id, const std::string& action,
                    ReadStamp stamp);
    Outcome apply(store::Tx& tx, const Request& request, std::string& prescriptionId);
    Loaded load(store::Tx& tx, const Request& request);
    RxFacts factsFor(store::Tx& tx, const Loaded& loaded, const Request& request);
    Outcome refuseCommitted(store::Tx& tx, const Request& request, Loaded& loaded, Status from,
                            Error refusal);
    void recordRefusal(const Request& request, const std::string& prescriptionId, const Error& refusal);
    void appendRefusal(store::Tx& tx, const Request& request, const std::string& prescriptionId, Status from,
                       const Error& refusal);
    bool serverChange(store::Tx& tx, store::PrescriptionRecord& rx, Action action, long long nowMs);

    Env env_;
};

}  // namespace rxflow::workflow
