#pragma once
#include <optional>
#include <string>

#include "server/store/Database.h"

namespace rxflow::store {

struct Payment {
    std::string settlementId;
    std::string prescriptionId;
    std::string region;
    std::string kind;  // insurance or self_pay
    std::string payOrderId;
    long long total = 0, fund = 0, account = 0, cash = 0;
    long long paidAt = 0;
    std::string paidAtText;
    std::string status = "settled";  // settled or reversed
    std::string postedRole, postedOrg;
};

struct PaymentRepo {
    // The columns fromRow reads, in its order, for SELECTs elsewhere (SettlementRepo).
    static const char* const kColumns;
    static Payment fromRow(const soci::row& r);
    static std::optional<Payment> find(Tx& tx, const std::string& settlementId);
    // The prescription's settled payment, if any.
    static std::optional<Payment> settledFor(Tx& tx, const std::string& prescriptionId);
    // False when the settlement id exists already.
    static bool insert(Tx& tx, const Payment& p, long long nowMs);
    static void setStatus(Tx& tx, const std::string& settlementId, const std::string& status);
};

struct Delivery {
    std::string id;
    std::string prescriptionId;
    std::string courier;
    std::string stage;  // handed_over, picked_up, in_transit, delivered, failed
};

struct DeliveryRepo {
    static std::optional<Delivery> find(Tx& tx, const std::string& id, bool forUpdate = false);
    static std::optional<Delivery> latestFor(Tx& tx, const std::string& prescriptionId);
    static void insert(Tx& tx, const Delivery& d, long long nowMs);
    static void setStage(Tx& tx, const std::string& id, const std::string& stage, long long nowMs);
};

}  // namespace rxflow::store
