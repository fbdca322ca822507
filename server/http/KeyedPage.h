#pragma once
// One page of a list ordered by a string key (an id, a license), as API.md §5 pages: the cursor
// is the last row's key; the store is asked for one row more than the page to know whether
// another page follows.
#include <Poco/JSON/Array.h>

#include <string>

#include "server/http/Cursor.h"
#include "server/http/RequestContext.h"

namespace rxflow::http {

// fetch(tx, afterKey, rowsWanted) -> rows in key order; key(row) -> its key; view(row) -> its JSON.
template <class Fetch, class Key, class View>
Response keyedPage(RequestContext& ctx, const char* member, Fetch fetch, Key key, View view) {
    const std::string after = decodeCursor(ctx.query("cursor"));
    const std::size_t limit = listLimit(ctx);
    auto rows = ctx.read([&](store::Tx& tx) { return fetch(tx, after, limit + 1); });
    const bool more = rows.size() > limit;
    if (more) rows.pop_back();
    Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
    for (const auto& row : rows) list->add(view(row));
    const Poco::Dynamic::Var next = more ? Poco::Dynamic::Var(encodeCursor(key(rows.back()))) : Poco::Dynamic::Var();
    return Response::json(200, object({{member, list}, {"nextCursor", next}}));
}

}  // namespace rxflow::http
