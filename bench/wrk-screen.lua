-- wrk: POST /v1/screen with one ASCII candidate name per request, cycling
-- through 100,000 different names (half of them registered in the bench
-- state, half free), keep-alive.
local n = 0
request = function()
  n = n + 1
  local name = string.format("cand%d.example", (n * 7919) % 100000)
  local body = '{"name":"' .. name .. '","registrant":"bench"}'
  return wrk.format("POST", "/v1/screen", {["Content-Type"] = "application/json"}, body)
end
