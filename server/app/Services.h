#pragma once
// What handlers and jobs depend on, built once by the Server and passed by reference.
// There are no global singletons: a test can build two of these side by side.
#include <string>

#include "server/app/Settings.h"
#include "server/app/Signing.h"
#include "server/domain/Catalog.h"
#include "server/domain/Clock.h"
#include "server/http/Metrics.h"
#include "server/store/DataCipher.h"
#include "server/store/Database.h"

namespace rxflow {

struct Services {
    const Settings& settings;
    store::Database& db;
    const Catalog& catalog;
    const store::DataCipher& cipher;
    const Clock& clock;
    http::Metrics& metrics;
    const PlatformSigner& platform;
    PrescriberVerifier& prescriberVerifier;
    std::string adminTokenHash;  // SHA-256 hex of the bootstrap admin token; empty: none configured
};

}  // namespace rxflow
