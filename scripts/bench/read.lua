-- GET /v1/prescriptions/{id} by the store's chain: the whole view (each such read is audited).
package.path = os.getenv("BENCH_LUA_DIR") .. "/?.lua;" .. package.path
local common = require("common")
setup = common.setup
function init()
  ids = common.lines(os.getenv("BENCH_FILE"))
  headers = { ["Authorization"] = "Bearer " .. os.getenv("BENCH_CHAIN") }
  i = 0
end
function request()
  i = i + 1
  return wrk.format("GET", "/v1/prescriptions/" .. ids[((i - 1) % #ids) + 1], headers)
end
response = common.response
done = common.done
