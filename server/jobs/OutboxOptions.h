#pragma once
// How the outbox dispatcher (OutboxDispatcher.h) delivers: rxflow.outbox.* (API.md §10).

namespace rxflow::jobs {

struct OutboxOptions {
    int workers = 2;             // delivery threads per process
    int maxAttempts = 10;        // then dead (GET /v1/admin/outbox?status=dead)
    int backoffMs = 1000;        // first retry after about this long, doubling per attempt
    int backoffMaxMs = 300000;   // cap of one wait
    int pollMs = 200;            // how often an idle worker looks for due messages
    int timeoutMs = 5000;        // per HTTP attempt (connect, send, answer)
    int leaseMs = 60000;         // a claim by a process that died runs out after this
    int batch = 4;               // messages claimed at once per worker
};

}  // namespace rxflow::jobs
