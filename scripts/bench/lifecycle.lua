-- The lifecycle on prescriptions issued beforehand (active, no fulfilment): route, accept,
-- review, pay, dispense. Each wrk thread takes its prescriptions in rounds, one step per round,
-- so a prescription's next step is sent only after all of the thread's others got this one.
package.path = os.getenv("BENCH_LUA_DIR") .. "/?.lua;" .. package.path
local common = require("common")
setup = common.setup
function init()
  rxs = {}
  for _, line in ipairs(common.lines(os.getenv("BENCH_FILE"))) do
    local id, code = line:match("^(%S+) (%S+)$")
    rxs[#rxs + 1] = { id = id, code = code }
  end
  clinic = { ["Authorization"] = "Bearer " .. os.getenv("BENCH_CLINIC"), ["Content-Type"] = "application/json" }
  chain = { ["Authorization"] = "Bearer " .. os.getenv("BENCH_CHAIN"), ["Content-Type"] = "application/json" }
  -- wrk calls request() once on its first thread before the run, to check the script, and
  -- sends nothing of it: that call must not take a prescription's step.
  i = (id == 0) and -1 or 0
end
local review = '{"decision":"approve","pharmacist":{"name":"王药师","license":"YS33020001"}}'
function request()
  if i < 0 then
    i = 0
    return wrk.format("GET", "/healthz")
  end
  local step = math.floor(i / #rxs) + 1
  local rx = rxs[(i % #rxs) + 1]
  i = i + 1
  local base = "/v1/prescriptions/" .. rx.id
  if step == 1 then return wrk.format("POST", base .. "/route", clinic, '{"mode":"pickup","pharmacy":"S1"}') end
  if step == 2 then return wrk.format("POST", base .. "/accept", chain, "") end
  if step == 3 then return wrk.format("POST", base .. "/review", chain, review) end
  if step == 4 then
    return wrk.format("POST", base .. "/payments", chain, '{"kind":"self_pay","settlementId":"B-' .. rx.id ..
      '","payOrderId":"P-' .. rx.id .. '","total":100,"fund":0,"account":0,"cash":100,"paidAt":"2026-11-22T10:30:00+08:00"}')
  end
  if step == 5 then
    return wrk.format("POST", base .. "/dispense", chain, '{"pharmacist":{"name":"王药师","license":"YS33020001"},"pickupCode":"' .. rx.code ..
      '","items":[{"drugCode":"XC08CAA001","quantity":2,"batchNo":"B1","expiryDate":"2028-01-31"}]}')
  end
  -- Out of prepared prescriptions: a request that fails, so the shortfall shows as errors.
  return wrk.format("POST", "/v1/prescriptions/exhausted/accept", chain, "")
end
response = common.response
done = common.done
