-- wrk: POST /v1/registrations of names no one holds yet (unique per
-- thread and request), each acknowledged only once on disk.
local counter = 0
local threads = 0
setup = function(thread)
  threads = threads + 1
  -- A global of the thread's own Lua state, read by request().
  thread:set("tid", threads)
end
request = function()
  counter = counter + 1
  local name = string.format("reg-%d-%d-%d.example", tid, counter, os.time())
  local body = '{"name":"' .. name .. '","registrant":"bench"}'
  return wrk.format("POST", "/v1/registrations", {["Content-Type"] = "application/json"}, body)
end
done = function(summary, latency, requests)
  io.write(string.format("non-2xx/3xx responses: %d\n", summary.errors.status))
end
