#include "server/audit/Checkpoint.h"

#include "signing/json.h"

namespace rxflow::audit {

namespace {

rxsign::Json headsValue(const std::vector<Head>& heads) {
    std::vector<rxsign::Json> list;
    for (const Head& h : heads)
        list.push_back(rxsign::Json::array(
            {rxsign::Json::string(h.chain), rxsign::Json::integer(h.chainSeq), rxsign::Json::string(h.hash)}));
    return rxsign::Json::array(list);
}

}  // namespace

std::string headsJson(const std::vector<Head>& heads) { return rxsign::canonicalize(headsValue(heads)); }

std::vector<Head> parseHeads(const std::string& json) {
    std::vector<Head> heads;
    const rxsign::Json doc = rxsign::parseJson(json);  // kept alive for the loop below
    for (const rxsign::Json& h : doc.items())
        heads.push_back({h.items().at(0).asString(), h.items().at(1).asInteger(), h.items().at(2).asString()});
    return heads;
}

std::string signedBytes(const Checkpoint& c) {
    return rxsign::canonicalize(rxsign::Json::object({{"at", rxsign::Json::integer(c.at)},
                                                      {"heads", headsValue(c.heads)},
                                                      {"prev", rxsign::Json::string(c.prevDigest)}}));
}

}  // namespace rxflow::audit
