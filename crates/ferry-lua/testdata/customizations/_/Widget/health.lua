-- Any group's Widget: healthy once observed.
local os = require("os")
if obj.status ~= nil and obj.status.observed then
  return { status = "Healthy", message = "observed at " .. os.date("!%Y", 0) }
end
return { status = "Missing" }
