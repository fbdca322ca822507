-- The ceiling: a bare Poco handler answering a fixed JSON body (tests/bench/bare_http_server.cpp).
package.path = os.getenv("BENCH_LUA_DIR") .. "/?.lua;" .. package.path
local common = require("common")
setup = common.setup
function init() headers = { ["Authorization"] = "Bearer x" } end
function request() return wrk.format("GET", "/healthz", headers) end
response = common.response
done = common.done
