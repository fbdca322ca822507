#pragma once
// The registries of API.md §2: who may prescribe, where prescriptions can go, who delivers.
#include <string>
#include <vector>

namespace rxflow {

struct Clinic {
    std::string id;
    std::string name;
    std::string region;  // 6-digit administrative division code, e.g. 330200 (Ningbo)
};

struct Doctor {
    std::string license;
    std::string name;
    std::vector<std::string> clinics;
    bool active = true;
};

struct TrustAnchor {
    std::string id;
    std::string subject;
    std::string fingerprint;
    std::string pem;
    long long notAfter = 0;
};

struct PharmacyAdapterConfig {
    std::string type = "pull";  // pull, webhook or fhir
    std::string url;
    std::string secret;
};

struct Pharmacy {
    std::string id;     // the store
    std::string chain;
    std::string name;
    std::string region;
    std::string district;
    std::string lat;    // decimal degrees as strings (API.md §2)
    std::string lon;
    bool delivery = false;
    bool active = true;
    PharmacyAdapterConfig adapter;
    long long stockUpdatedAt = 0;  // epoch ms of the last published stock; 0: never published
};

struct StockItem {
    std::string drugCode;
    long long quantity = 0;
    long long reserved = 0;
};

struct Courier {
    std::string id;
    std::string name;
    std::string webhookUrl;     // told of each hand-over when set (pharmacy-adapters/)
    std::string webhookSecret;  // signs those webhooks
};

}  // namespace rxflow
