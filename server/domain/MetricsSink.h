#pragma once
// What the layers below HTTP report to the service's metrics (API.md §9). The HTTP layer's
// http::Metrics implements it and renders /metrics; a job is handed this interface, never the
// HTTP layer itself.
#include <string>

namespace rxflow {

class MetricsSink {
public:
    virtual ~MetricsSink() = default;
    // One delivery attempt of the outbox dispatcher: delivered, failed (will retry) or dead.
    virtual void countOutboxAttempt(const std::string& result) = 0;
};

}  // namespace rxflow
