// GET /v1/drugs/{code} and GET /v1/drugs?class=&q=&cursor=&limit=: the drug catalog, any role.
#include "server/http/Cursor.h"
#include "server/http/RequestContext.h"
#include "server/http/handlers/Routes.h"

namespace rxflow::http {
namespace {

Poco::JSON::Object::Ptr view(const Drug& d) {
    return object({{"code", d.code}, {"name", d.name}, {"form", d.form}, {"strength", d.strength},
                   {"class", d.drugClass}, {"insuranceCategory", d.insuranceCategory}, {"price", d.price}});
}

Response getDrug(RequestContext& ctx) {
    ctx.principal();
    const Drug* d = ctx.services.catalog.find(ctx.param("code"));
    if (!d) throw Error::notFound("no drug with that code in the catalog");
    return Response::json(200, view(*d));
}

Response listDrugs(RequestContext& ctx) {
    ctx.principal();
    const std::string drugClass = ctx.query("class");
    if (!drugClass.empty() && !Catalog::isKnownClass(drugClass))
        throw Error::badRequest("unknown drug class", {{"query:class", "not a drug class", "", {}}});
    const std::size_t limit = listLimit(ctx);
    auto page = ctx.services.catalog.list(drugClass, ctx.query("q"), decodeCursor(ctx.query("cursor")), limit + 1);
    const bool more = page.size() > limit;
    if (more) page.pop_back();
    Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
    for (const Drug* d : page) list->add(view(*d));
    const Poco::Dynamic::Var next = more ? Poco::Dynamic::Var(encodeCursor(page.back()->code)) : Poco::Dynamic::Var();
    return Response::json(200, object({{"drugs", list}, {"nextCursor", next}}));
}

}  // namespace

void addDrugRoutes(Router& r) {
    r.add("GET", "/v1/drugs/{code}", getDrug);
    r.add("GET", "/v1/drugs", listDrugs);
}

}  // namespace rxflow::http
