-- Argo CD's health-check contract: read `obj`, return {status = ..., message = ...}.
local hs = {}
if obj.spec.suspend == true then
  hs.status = "Suspended"
  hs.message = "CronJob is suspended"
  return hs
end
hs.status = "Healthy"
hs.message = "CronJob runs on schedule " .. obj.spec.schedule
return hs
