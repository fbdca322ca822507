// GET /healthz, /readyz, /metrics: no token (API.md §9).
#include <map>

#include "server/domain/Status.h"
#include "server/http/RequestContext.h"
#include "server/http/handlers/Routes.h"
#include "server/store/ListRepo.h"
#include "server/store/OutboxRepo.h"

namespace rxflow::http {
namespace {

Response healthz(RequestContext&) { return Response::json(200, object({{"status", "ok"}})); }

// Ready when the database answers and takes writes (API.md §9, §13). While writes fail for want
// of storage, writeProblem tries a small write of its own at most once a second, so this turns
// 200 as soon as one succeeds, with or without other traffic; files replaced under the server
// keep it 503 until a restart.
Response readyz(RequestContext& ctx) {
    if (!ctx.services.db.ping()) throw Error::unavailable("the database does not answer");
    if (auto problem = ctx.services.db.writeProblem())
        throw Error::unavailable("the database takes no writes: " + *problem);
    return Response::json(200, object({{"status", "ready"}}));
}

Response metrics(RequestContext& ctx) {
    const store::Database& db = ctx.services.db;
    std::vector<Gauge> gauges = {
        {"rxflow_db_pool_size", "Database sessions in the pool.", "", static_cast<double>(db.poolSize())},
        {"rxflow_db_pool_in_use", "Database sessions leased right now.", "", static_cast<double>(db.inUse())},
        {"rxflow_db_pool_lease_timeouts_total",
         "Requests refused with 503 because no session was free (since start).", "",
         static_cast<double>(db.leaseTimeouts()), "counter"},
        {"rxflow_db_writable",
         "1 while database writes succeed; 0 while they fail for want of storage or the files were replaced.",
         "", db.writeState() == store::StoreHealth::State::Writable ? 1.0 : 0.0},
        {"rxflow_catalog_drugs", "Drugs in the loaded catalog.", "",
         static_cast<double>(ctx.services.catalog.size())},
    };
    // From the database, when it answers: the process's own figures are still worth a scrape.
    try {
        ctx.read([&](store::Tx& tx) {
            // Every state, 0 included, so a dashboard's series never vanish.
            std::map<std::string, long long> byState;
            for (Status state : kAllStatuses) byState[statusName(state)] = 0;
            for (const auto& [state, n] : store::ListRepo::countByStatus(tx)) byState[state] = n;
            for (const auto& [state, n] : byState)
                gauges.push_back({"rxflow_prescriptions", "Prescriptions by state.",
                                  "state=\"" + state + "\"", static_cast<double>(n)});
            for (const auto& [status, n] : store::OutboxRepo::countByStatus(tx))
                gauges.push_back({"rxflow_outbox_messages",
                                  "Outbox messages by status (pending is the backlog).",
                                  "status=\"" + status + "\"", static_cast<double>(n)});
            return 0;
        });
    } catch (const std::exception&) {
        gauges.push_back({"rxflow_metrics_database_unavailable",
                          "1 when this scrape could not read the database.", "", 1});
    }
    return Response::text(200, "text/plain; version=0.0.4; charset=utf-8",
                          ctx.services.metrics.render(gauges));
}

}  // namespace

void addHealthRoutes(Router& r) {
    r.add("GET", "/healthz", healthz, Access::Public);
    r.add("GET", "/readyz", readyz, Access::Public);
    r.add("GET", "/metrics", metrics, Access::Public);
}

}  // namespace rxflow::http
