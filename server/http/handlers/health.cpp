// GET /healthz, /readyz, /metrics: no token (API.md §9).
#include "server/http/RequestContext.h"
#include "server/http/handlers/Routes.h"

namespace rxflow::http {
namespace {

Response healthz(RequestContext&) {
    return Response::json(200, object({{"status", "ok"}}));
}

Response readyz(RequestContext& ctx) {
    if (!ctx.services.db.ping()) throw Error::unavailable("the database does not answer");
    return Response::json(200, object({{"status", "ready"}}));
}

Response metrics(RequestContext& ctx) {
    const store::Database& db = ctx.services.db;
    std::vector<Gauge> gauges = {
        {"rxflow_db_pool_size", "Database sessions in the pool.", "", static_cast<double>(db.poolSize())},
        {"rxflow_db_pool_in_use", "Database sessions leased right now.", "", static_cast<double>(db.inUse())},
        {"rxflow_db_pool_lease_timeouts", "Requests refused with 503 because no session was free (since start).",
         "", static_cast<double>(db.leaseTimeouts())},
        {"rxflow_catalog_drugs", "Drugs in the loaded catalog.", "", static_cast<double>(ctx.services.catalog.size())},
    };
    return Response::text(200, "text/plain; version=0.0.4; charset=utf-8", ctx.services.metrics.render(gauges));
}

}  // namespace

void addHealthRoutes(Router& r) {
    r.add("GET", "/healthz", healthz, Access::Public);
    r.add("GET", "/readyz", readyz, Access::Public);
    r.add("GET", "/metrics", metrics, Access::Public);
}

}  // namespace rxflow::http
