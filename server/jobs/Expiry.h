#pragma once
// The sweep's time-driven changes (API.md §4): expiry at expiresAt and the accept time-out that
// takes a prescription from a store that did not accept it in time and routes it on. Each
// batch claims its rows in one transaction and hands each locked prescription to the
// workflow (server/workflow/), the path every change takes; a sweep in several processes never
// applies one twice.
#include "server/workflow/Workflow.h"

namespace rxflow::jobs {

// One batch of each; the number of prescriptions changed.
int sweepExpired(workflow::Workflow& workflow);
int sweepAcceptTimeouts(workflow::Workflow& workflow);

}  // namespace rxflow::jobs
