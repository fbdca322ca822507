#pragma once
// One registration function per resource file in this folder; app/Server.cpp calls them all.
#include <map>
#include <string>

#include "server/http/Router.h"

namespace rxflow::http {

void addHealthRoutes(Router& r);        // /healthz /readyz /metrics
void addPrincipalRoutes(Router& r);     // /v1/admin/principals
void addClinicRoutes(Router& r);        // /v1/admin/clinics
void addDoctorRoutes(Router& r);        // /v1/admin/doctors
void addTrustAnchorRoutes(Router& r);   // /v1/admin/trust-anchors
void addPharmacyRoutes(Router& r);      // /v1/admin/pharmacies
void addStockRoutes(Router& r);         // /v1/pharmacies/{store}/stock
void addCourierRoutes(Router& r);       // /v1/admin/couriers
void addDrugRoutes(Router& r);          // /v1/drugs
void addPlatformKeyRoutes(Router& r);   // /v1/platform/keys
void addPrescriptionRoutes(Router& r);  // /v1/prescriptions, /{id}, /{id}/signed
void addLifecycleRoutes(Router& r);     // /v1/prescriptions/{id}/route, /accept, /cancel
void addReviewRoutes(Router& r);        // /v1/prescriptions/{id}/review
void addStaffRoutes(Router& r);         // /v1/admin/staff, /{id}, /{id}/password
void addSessionRoutes(Router& r);       // /v1/sessions, /v1/sessions/current, /v1/me
void addPaymentRoutes(Router& r);       // /v1/prescriptions/{id}/payments
void addDispensingRoutes(Router& r);    // /v1/prescriptions/{id}/dispense, /handover
void addDeliveryRoutes(Router& r);      // /v1/deliveries/{deliveryId}/events
void addAuditRoutes(Router& r);         // /v1/prescriptions/{id}/audit, /v1/audit, /v1/audit/verify
void addListRoutes(Router& r);          // GET /v1/prescriptions, /v1/pharmacy/orders, /v1/courier/deliveries
void addOutboxRoutes(Router& r);        // /v1/admin/outbox, /{id}, /{id}/retry
void addFhirRoutes(Router& r);          // /v1/fhir/MedicationDispense
void addSettlementRoutes(Router& r);    // GET /v1/settlements
void addReconciliationRoutes(Router& r);  // /v1/reconciliation/runs, /{id}

// GET / and /web/{file}: the workbench (API.md §12), from the files built into the binary,
// by name ("index.html", "app.js", ...).
void addWebRoutes(Router& r, const std::map<std::string, std::string>& files);

inline void addAllRoutes(Router& r) {
    addHealthRoutes(r);
    addPrincipalRoutes(r);
    addClinicRoutes(r);
    addDoctorRoutes(r);
    addTrustAnchorRoutes(r);
    addPharmacyRoutes(r);
    addStockRoutes(r);
    addCourierRoutes(r);
    addDrugRoutes(r);
    addPlatformKeyRoutes(r);
    addPrescriptionRoutes(r);
    addLifecycleRoutes(r);
    addReviewRoutes(r);
    addStaffRoutes(r);
    addSessionRoutes(r);
    addPaymentRoutes(r);
    addDispensingRoutes(r);
    addDeliveryRoutes(r);
    addListRoutes(r);
    addAuditRoutes(r);
    addOutboxRoutes(r);
    addFhirRoutes(r);
    addSettlementRoutes(r);
    addReconciliationRoutes(r);
}

}  // namespace rxflow::http
