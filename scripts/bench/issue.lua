-- POST /v1/prescriptions: each request a different prescription, signed (ES256) ahead of time.
package.path = os.getenv("BENCH_LUA_DIR") .. "/?.lua;" .. package.path
local common = require("common")
setup = common.setup
function init()
  bodies = common.lines(os.getenv("BENCH_FILE"))
  headers = { ["Authorization"] = "Bearer " .. os.getenv("BENCH_CLINIC"), ["Content-Type"] = "application/json" }
  i = 0
end
function request()
  i = i + 1
  return wrk.format("POST", "/v1/prescriptions", headers, bodies[((i - 1) % #bodies) + 1])
end
response = common.response
done = common.done
