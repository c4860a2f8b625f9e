-- wrk script: every response's status and body checked against one expected page (the file
-- named after `--` on wrk's command line), counted per thread and summed at the end. Printed
-- lines: "checked N", "non2xx N", "body_mismatches N" (read by loadlib.py).
expected = nil
checked, non2xx, mismatches = 0, 0, 0
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  local f = assert(io.open(args[1], "rb"))
  expected = f:read("*a")
  f:close()
end

function response(status, headers, body)
  checked = checked + 1
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
  elseif body ~= expected then
    mismatches = mismatches + 1
  end
end

function done(summary, latency, requests)
  local c, n, m = 0, 0, 0
  for _, t in ipairs(threads) do
    c = c + t:get("checked")
    n = n + t:get("non2xx")
    m = m + t:get("mismatches")
  end
  io.write(string.format("checked %d\nnon2xx %d\nbody_mismatches %d\n", c, n, m))
end
