#include "server/workflow/Notifications.h"

#include <Poco/JSON/Parser.h>

#include "pharmacy-adapters/PharmacyAdapter.h"
#include "server/domain/Clock.h"
#include "server/domain/Ids.h"
#include "server/domain/Lifecycle.h"
#include "server/store/ClinicRepo.h"
#include "server/store/CourierRepo.h"
#include "server/store/OutboxRepo.h"
#include "server/store/PaymentRepo.h"
#include "server/store/PharmacyRepo.h"

namespace rxflow::workflow {
namespace {

adapters::AdapterEvent eventFor(store::Tx& tx, const store::PrescriptionRecord& rx, const std::string& type,
                                long long nowMs) {
    adapters::AdapterEvent e;
    e.eventId = newId("ev", nowMs);
    e.type = type;
    e.occurredAt = formatTime(nowMs);
    e.prescriptionId = rx.id;
    e.status = statusName(rx.status);
    e.version = rx.version;
    e.expiresAt = formatTime(rx.expiresAt);
    e.mode = modeName(store::fulfillmentMode(rx));
    e.patientKey = rx.patientKey;
    auto document = Poco::JSON::Parser().parse(rx.document).extract<Poco::JSON::Object::Ptr>();
    e.prescription = document->getObject("prescription");
    if (auto clinic = store::ClinicRepo::find(tx, rx.clinicId)) e.clinicName = clinic->name;
    return e;
}

void enqueue(store::Tx& tx, const store::DataCipher& cipher, const adapters::AdapterEvent& e, const std::string& targetKind,
             const std::string& targetId, const std::string& adapterType, const adapters::OutboundMessage& m,
             long long nowMs) {
    store::OutboxMessage row;
    row.eventId = e.eventId;
    row.eventType = e.type;
    row.targetKind = targetKind;
    row.targetId = targetId;
    row.adapterType = adapterType;
    row.prescriptionId = e.prescriptionId;
    row.orderingKey = targetKind + ":" + targetId + ":" + e.prescriptionId;
    row.contentType = m.contentType;
    row.body = m.body;
    store::OutboxRepo::enqueue(tx, cipher, row, nowMs);
}

void tellStore(store::Tx& tx, const store::DataCipher& cipher, const std::string& storeId, const store::PrescriptionRecord& rx,
               const std::string& type, const std::string& reason, long long nowMs,
               const std::string& cancelReason = {}) {
    auto pharmacy = store::PharmacyRepo::find(tx, cipher, storeId);
    if (!pharmacy) return;
    const adapters::PharmacyAdapter* adapter = adapters::adapterFor(pharmacy->adapter.type);
    if (!adapter || !adapter->pushes()) return;
    adapters::AdapterEvent e = eventFor(tx, rx, type, nowMs);
    e.reason = reason;
    e.store = pharmacy->id;
    e.chain = pharmacy->chain;
    e.storeName = pharmacy->name;
    if (type == "prescription.cancelled") e.cancelReason = cancelReason;
    if (auto message = adapter->storeMessage(e)) enqueue(tx, cipher, e, "store", storeId, adapter->type(), *message, nowMs);
}

void tellCourier(store::Tx& tx, const store::DataCipher& cipher, const store::PrescriptionRecord& rx, long long nowMs) {
    auto delivery = store::DeliveryRepo::latestFor(tx, rx.id);
    if (!delivery) return;
    auto courier = store::CourierRepo::find(tx, cipher, delivery->courier);
    if (!courier || courier->webhookUrl.empty()) return;
    adapters::AdapterEvent e = eventFor(tx, rx, "delivery.handed_over", nowMs);
    e.store = rx.store;
    e.deliveryId = delivery->id;
    e.courier = courier->id;
    enqueue(tx, cipher, e, "courier", courier->id, "webhook", adapters::courierMessage(e), nowMs);
}

}  // namespace

void notifyChange(store::Tx& tx, const store::DataCipher& cipher, const StoreBefore& before, const store::PrescriptionRecord& after,
                  long long nowMs, const std::string& reason) {
    const bool hadIt = !before.store.empty() && isOpen(before.status);
    if (hadIt && after.status == Status::Cancelled) {
        tellStore(tx, cipher, before.store, after, "prescription.cancelled", statusName(after.status), nowMs, reason);
    } else if (hadIt && after.status == Status::Expired) {
        tellStore(tx, cipher, before.store, after, "prescription.withdrawn", statusName(after.status), nowMs);
    } else if (hadIt && before.status == Status::Routed && after.store != before.store) {
        tellStore(tx, cipher, before.store, after, "prescription.withdrawn", reason, nowMs);
    }
    const bool newlyRouted = after.status == Status::Routed && !after.store.empty() &&
                             (after.store != before.store || before.status != Status::Routed);
    if (newlyRouted) tellStore(tx, cipher, after.store, after, "prescription.routed", "", nowMs);
    if (after.status == Status::InDelivery && before.status != Status::InDelivery) tellCourier(tx, cipher, after, nowMs);
}

}  // namespace rxflow::workflow
