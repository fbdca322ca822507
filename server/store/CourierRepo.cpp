#include "server/store/CourierRepo.h"

namespace rxflow::store {
namespace {
const char* kSecretAad = "couriers.webhook_secret";
}

bool CourierRepo::insert(Tx& tx, const DataCipher& cipher, const Courier& c, long long nowMs) {
    const std::string sealed = c.webhookSecret.empty() ? std::string() : cipher.seal(c.webhookSecret, kSecretAad);
    soci::indicator urlInd = c.webhookUrl.empty() ? soci::i_null : soci::i_ok;
    soci::indicator secretInd = sealed.empty() ? soci::i_null : soci::i_ok;
    return insertUnlessExists([&] {
        tx.change("INSERT INTO couriers (id, name, webhook_url, webhook_secret, created_at) "
                  "VALUES (:id, :n, :u, :s, :c)",
                  soci::use(c.id), soci::use(c.name), soci::use(c.webhookUrl, urlInd), soci::use(sealed, secretInd),
                  soci::use(nowMs));
    });
}

std::optional<Courier> CourierRepo::find(Tx& tx, const DataCipher& cipher, const std::string& id) {
    Courier c;
    std::string url, secret;
    soci::indicator urlInd = soci::i_null, secretInd = soci::i_null;
    if (!tx.exec("SELECT id, name, webhook_url, webhook_secret FROM couriers WHERE id = :id", soci::use(id),
                 soci::into(c.id), soci::into(c.name), soci::into(url, urlInd), soci::into(secret, secretInd)))
        return std::nullopt;
    if (urlInd == soci::i_ok) c.webhookUrl = url;
    if (secretInd == soci::i_ok) c.webhookSecret = cipher.unseal(secret, kSecretAad);
    return c;
}

std::vector<CourierListing> CourierRepo::list(Tx& tx, const std::string& afterId, std::size_t limit) {
    std::vector<CourierListing> out;
    CourierListing row;
    std::string url;
    int secretSet = 0;
    soci::indicator urlInd = soci::i_null;
    const auto onRow = [&] {
        row.courier.webhookUrl = urlInd == soci::i_ok ? url : "";
        row.secretSet = secretSet != 0;
        out.push_back(row);
    };
    tx.eachInto(
        "SELECT id, name, webhook_url, CASE WHEN webhook_secret IS NULL OR webhook_secret = '' THEN 0 "
        "ELSE 1 END FROM couriers WHERE id > :a ORDER BY id LIMIT " +
            std::to_string(limit),
        onRow, soci::use(afterId), soci::into(row.courier.id), soci::into(row.courier.name),
        soci::into(url, urlInd), soci::into(secretSet));
    return out;
}

}  // namespace rxflow::store
