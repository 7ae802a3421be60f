-- wrk script for bench/beacons.py: each request is a reader's beacon (static/js/count.js) for
-- one of the live stories in BEACON_IDS, in turn; each connection waits BEACON_DELAY_MS between
-- its requests, so that all of them together send about the rate asked for.
local ids = {}
for id in string.gmatch(os.getenv("BEACON_IDS") or "1", "%d+") do ids[#ids + 1] = id end
local pause = tonumber(os.getenv("BEACON_DELAY_MS") or "0")
local sources = { "direct", "news.example", "feed", "email", "search" }
local n = 0

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded;charset=UTF-8"
wrk.headers["Sec-Fetch-Site"] = "same-origin"
wrk.headers["User-Agent"] =
  "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"

request = function()
  n = n + 1
  local body = "story=" .. ids[(n % #ids) + 1] .. "&from=" .. sources[(n % #sources) + 1]
  return wrk.format(nil, nil, nil, body)
end

delay = function()
  return pause
end
