#pragma once
// How a handler hands a change to the workflow (server/workflow/) and answers it: in the
// request's write transaction (with its Idempotency-Key record), the whole view with its ETag.
#include "server/http/RequestContext.h"
#include "server/workflow/Workflow.h"

namespace rxflow::http {

// The change's answer: the whole view after it, or the refusal whose side effects were kept.
Response change(RequestContext& ctx, const workflow::Request& request);

// The whole view of API.md §5 with its ETag, serialised from what the transaction read.
Response viewResponse(const workflow::View& view, Services& s, int status = 200);

// A settled payment as the views show it.
Poco::JSON::Object::Ptr paymentJson(const store::Payment& p);

}  // namespace rxflow::http
