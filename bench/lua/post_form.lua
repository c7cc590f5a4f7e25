-- POST the urlencoded body of BODY_FILE to POST_PATH, its {uniq} replaced by a string unique to the
-- request (thread, counter, clock), with the session cookie COOKIE: each request saves a new text.
local f = assert(io.open(os.getenv("BODY_FILE"), "r"))
local template = f:read("*a"):gsub("%s+$", "")
f:close()
local path = os.getenv("POST_PATH")
local headers = { ["Content-Type"] = "application/x-www-form-urlencoded", ["Cookie"] = os.getenv("COOKIE") }
local counter = 0
function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
end
local n = 0
function request()
  n = n + 1
  local uniq = string.format("t%d-n%d-%d", id or 0, n, os.time())
  return wrk.format("POST", path, headers, (template:gsub("{uniq}", uniq)))
end
