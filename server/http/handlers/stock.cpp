// PUT and GET /v1/pharmacies/{store}/stock: the store's stock snapshot, published by its chain.
#include <set>

#include "server/http/BodyReader.h"
#include "server/http/RequestContext.h"
#include "server/http/handlers/Routes.h"
#include "server/store/AuditRepo.h"
#include "server/store/PharmacyRepo.h"

namespace rxflow::http {
namespace {

// Admin, or a pharmacy principal of the store's chain (and of this store, if limited to one).
// Anyone else is told the store does not exist: existence is not revealed across chains.
void requireStoreAccess(RequestContext& ctx, store::Tx& tx, const std::string& storeId) {
    const Principal& p = ctx.require({Role::Admin, Role::Pharmacy}, {StaffKind::Operator, StaffKind::Pharmacist});
    const std::string chain = store::PharmacyRepo::chainOf(tx, storeId);
    const bool mine = p.role == Role::Admin || (chain == p.org && mayActForStore(p, storeId));
    if (chain.empty() || !mine) throw Error::notFound("no such store");
}

std::vector<StockItem> readItems(RequestContext& ctx) {
    BodyReader in(ctx.json());
    std::vector<StockItem> items;
    std::set<std::string> seen;
    std::vector<FieldError> unknown;
    if (auto arr = in.array("items", 0, 20000)) {
        for (std::size_t i = 0; i < arr->size(); ++i) {
            auto item = in.element(arr, i, "items");
            if (!item) continue;
            StockItem s{item->str("drugCode", 32), item->integer("quantity", 0, 1000000000), 0};
            if (s.drugCode.empty()) continue;
            if (!seen.insert(s.drugCode).second) item->fail("drugCode", "is listed twice");
            if (!ctx.services.catalog.find(s.drugCode))
                unknown.push_back({item->pathOf("drugCode"), "not in the catalog", "unknown_drug", {}});
            items.push_back(s);
        }
    }
    in.done();
    if (!unknown.empty()) throw Error(422, "unknown_drug", "a drug code is not in the catalog", unknown);
    return items;
}

Response view(const std::string& storeId, const std::vector<StockItem>& items) {
    Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
    for (const auto& s : items)
        list->add(object({{"drugCode", s.drugCode}, {"quantity", s.quantity}, {"reserved", s.reserved}}));
    return Response::json(200, object({{"store", storeId}, {"items", list}}));
}

Response replaceStock(RequestContext& ctx) {
    ctx.require({Role::Admin, Role::Pharmacy});
    const std::string storeId = ctx.param("store");
    std::vector<StockItem> items = readItems(ctx);
    return ctx.write([&](store::Tx& tx) {
        requireStoreAccess(ctx, tx, storeId);
        const long long now = ctx.services.clock.nowMs();
        store::PharmacyRepo::replaceStock(tx, storeId, items, now);
        store::AuditRepo::append(
            tx, audit::registryEvent(ctx.principal(), "stock.replace",
                                     "store=" + storeId + " items=" + std::to_string(items.size()), now));
        return view(storeId, store::PharmacyRepo::stock(tx, storeId));
    });
}

Response getStock(RequestContext& ctx) {
    const std::string storeId = ctx.param("store");
    return ctx.read([&](store::Tx& tx) {
        requireStoreAccess(ctx, tx, storeId);
        return view(storeId, store::PharmacyRepo::stock(tx, storeId));
    });
}

}  // namespace

void addStockRoutes(Router& r) {
    r.add("PUT", "/v1/pharmacies/{store}/stock", replaceStock);
    r.add("GET", "/v1/pharmacies/{store}/stock", getStock);
}

}  // namespace rxflow::http
