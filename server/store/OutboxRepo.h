#pragma once
// outbox_messages (schemas/sql/006_outbox.sql): messages for stores' and couriers' systems,
// written with the change that caused them and claimed by the dispatcher with a lease.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "server/store/DataCipher.h"
#include "server/store/Database.h"

namespace rxflow::store {

struct OutboxMessage {
    long long id = 0;
    std::string eventId;
    std::string eventType;
    std::string targetKind;  // store | courier
    std::string targetId;
    std::string adapterType;  // webhook | fhir (courier: webhook)
    std::string prescriptionId;
    std::string orderingKey;
    std::string contentType;
    std::string body;  // sealed at rest: a FHIR bundle names the patient
    std::string status = "pending";  // pending | delivered | dead
    int attempts = 0;
    long long nextAttemptAt = 0;
    std::string leaseOwner;
    long long leaseUntil = 0;
    std::string lastError;
    int lastStatus = 0;  // HTTP status of the last attempt, 0 when none came back
    long long createdAt = 0, updatedAt = 0, deliveredAt = 0;
};

struct OutboxRepo {
    static void enqueue(Tx& tx, const DataCipher& cipher, OutboxMessage m, long long nowMs);
    // True when some message is due: a cheap read before claiming in a write transaction.
    static bool anyDue(Tx& tx, long long nowMs);
    // Claims up to `limit` due messages for `owner` until `leaseUntil`: pending, due, not under
    // a live lease, and each the oldest pending message of its ordering key. Bodies unsealed.
    static std::vector<OutboxMessage> claim(Tx& tx, const DataCipher& cipher, const std::string& owner, long long nowMs,
                                            long long leaseUntil, int limit);
    // Both do nothing (false) when `owner` no longer holds the lease.
    static bool markDelivered(Tx& tx, long long id, const std::string& owner, int httpStatus, long long nowMs);
    static bool markFailed(Tx& tx, long long id, const std::string& owner, int httpStatus, const std::string& error,
                           long long nextAttemptAt, bool dead, long long nowMs);
    // Listing for the admin endpoint, by id; bodies are not read.
    static std::vector<OutboxMessage> list(Tx& tx, const std::string& status, long long afterId, std::size_t limit);
    static std::optional<OutboxMessage> find(Tx& tx, long long id);
    // A dead message back to pending with a fresh count of attempts; false unless it was dead.
    static bool retry(Tx& tx, long long id, long long nowMs);
    static std::map<std::string, long long> countByStatus(Tx& tx);
};

}  // namespace rxflow::store
