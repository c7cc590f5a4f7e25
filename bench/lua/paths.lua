-- GET a random path among those of PATHS_FILE (one a line): the "random pages" scenario.
local paths = {}
for line in io.lines(os.getenv("PATHS_FILE")) do
  if #line > 0 then paths[#paths + 1] = line end
end
local counter = 0
function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
end
function init(args)
  math.randomseed(1000 + (id or 0))
end
function request()
  return wrk.format("GET", paths[math.random(#paths)])
end
