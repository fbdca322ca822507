#pragma once
// What the HTTP layer's handlers depend on, built once by the Server (app) and passed by
// reference. There are no global singletons: a test can build two of these side by side.
// The jobs get their own narrow arguments (server/jobs/).
#include <Poco/LRUCache.h>

#include <memory>
#include <string>

#include "server/domain/Catalog.h"
#include "server/domain/Clock.h"
#include "server/domain/Principal.h"
#include "server/http/Metrics.h"
#include "server/http/Passwords.h"
#include "server/http/RateLimit.h"
#include "server/store/DataCipher.h"
#include "server/store/Database.h"
#include "server/workflow/Signing.h"
#include "server/workflow/Workflow.h"

namespace rxflow::http {

struct Services {
    store::Database& db;
    const Catalog& catalog;
    const store::DataCipher& cipher;
    const Clock& clock;
    Metrics& metrics;
    const PlatformSigner& platform;
    PrescriberVerifier& prescriberVerifier;
    // The one path every change of a prescription takes (server/workflow/).
    workflow::Workflow& workflow;
    std::string adminTokenHash;  // SHA-256 hex of the bootstrap admin token; empty: none configured
    RateLimits rateLimits;       // per principal and per failing address, in this process (API.md §13)
    // Principals found by token hash. A principal is never changed or revoked once created
    // (POST /v1/admin/principals is the only writer), so a found one stays right; a token not
    // found is looked up again every time (it may be created later). Should principals ever
    // be revoked, the revocation must empty this (in every process).
    Poco::LRUCache<std::string, Principal> knownPrincipals{10000};
    // The signed prescription part of each document as JSON text, by prescription id: a signed
    // document never changes (http::wholeViewResponse).
    Poco::LRUCache<std::string, std::string> signedPrescriptions{4096};
    StaffOptions staff{};                          // sessions, reviews (API.md §11)
    std::unique_ptr<Passwords> passwords{};        // the Argon2id hashing of staff passwords
};

}  // namespace rxflow::http
