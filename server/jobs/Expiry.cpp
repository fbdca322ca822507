#include "server/jobs/Expiry.h"

#include "server/domain/Lifecycle.h"
#include "server/jobs/Notifications.h"
#include "server/routing/Routing.h"
#include "server/store/AuditRepo.h"
#include "server/store/RoutingRepo.h"

namespace rxflow::jobs {
namespace {

constexpr int kBatch = 50;

audit::AuditEvent step(const store::PrescriptionRecord& rx, Action action, Status from, Status to, long long at,
                       std::string detail = {}) {
    audit::AuditEvent e = audit::serverEvent(rx.id, actionName(action), at);
    e.fromStatus = statusName(from);
    e.toStatus = statusName(to);
    e.detail = std::move(detail);
    return e;
}

// Claims due prescriptions: rows other processes hold are skipped on MySQL, and SQLite's
// write transaction already excludes everyone else.
std::vector<std::string> claim(store::Tx& tx, const std::string& where, long long bound) {
    std::vector<std::string> ids;
    const std::string sql = "SELECT id FROM prescriptions WHERE " + where + " ORDER BY id LIMIT " +
                            std::to_string(kBatch) + (tx.mysql() ? " FOR UPDATE SKIP LOCKED" : "");
    soci::rowset<std::string> rows = (tx.sql.prepare << sql, soci::use(bound));
    for (const std::string& id : rows) ids.push_back(id);
    return ids;
}

bool isRouted(Status s) { return s == Status::Routed; }

}  // namespace

bool expiryDue(const store::PrescriptionRecord& rx, long long now) {
    return mayExpire(rx.status) && rx.expiresAt < now;
}

bool expireIfDue(store::Tx& tx, Services& s, store::PrescriptionRecord& rx, long long now) {
    if (!expiryDue(rx, now)) return false;
    const Status from = rx.status;
    if (from == Status::Accepted || from == Status::Approved) store::RoutingRepo::release(tx, rx.store, rx.items);
    rx.status = transition(from, Action::Expire, Role::Admin);
    store::PrescriptionRepo::update(tx, s.cipher, rx, now);
    store::AuditRepo::append(tx, step(rx, Action::Expire, from, rx.status, now));
    notifyChange(tx, s, {rx.store, from}, rx, now, statusName(rx.status));
    return true;
}

bool timeOutIfDue(store::Tx& tx, Services& s, store::PrescriptionRecord& rx, long long now) {
    if (rx.status != Status::Routed || rx.updatedAt + s.settings.acceptTimeoutSeconds * 1000LL > now) return false;
    const std::string store = rx.store;
    const StoreBefore before{rx.store, rx.status};
    rx.status = transition(before.status, Action::AcceptTimeout, Role::Admin);
    store::AuditRepo::append(tx, step(rx, Action::AcceptTimeout, before.status, rx.status, now, "store=" + store));
    const routing::RouteDecision next = routing::rerouteElsewhere(tx, s.cipher, rx, store, "accept_timeout");
    if (!next.store.empty()) {
        const Status between = rx.status;
        rx.status = transition(between, Action::Reroute, Role::Admin);
        store::AuditRepo::append(tx, step(rx, Action::Reroute, between, rx.status, now, "store=" + next.store));
    }
    store::PrescriptionRepo::update(tx, s.cipher, rx, now);
    notifyChange(tx, s, before, rx, now, "accept_timeout");
    return true;
}

int sweepExpired(Services& s) {
    static const std::string due = store::statusIn(mayExpire) + " AND expires_at < :b";
    return s.db.write([&](store::Tx& tx) {
        const long long now = s.clock.nowMs();
        int changed = 0;
        for (const std::string& id : claim(tx, due, now)) {
            auto rx = store::PrescriptionRepo::find(tx, s.cipher, id, true);
            if (rx && expireIfDue(tx, s, *rx, now)) ++changed;
        }
        return changed;
    });
}

int sweepAcceptTimeouts(Services& s) {
    static const std::string due = store::statusIn(isRouted) + " AND updated_at < :b";
    return s.db.write([&](store::Tx& tx) {
        const long long now = s.clock.nowMs();
        int changed = 0;
        for (const std::string& id : claim(tx, due, now - s.settings.acceptTimeoutSeconds * 1000LL)) {
            auto rx = store::PrescriptionRepo::find(tx, s.cipher, id, true);
            if (rx && !expireIfDue(tx, s, *rx, now) && timeOutIfDue(tx, s, *rx, now)) ++changed;
        }
        return changed;
    });
}

}  // namespace rxflow::jobs
