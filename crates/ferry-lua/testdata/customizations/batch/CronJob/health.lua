-- A CronJob check in the style of Argo CD's built-in one, written for Ferry's tests.
local health = {}
if obj.spec ~= nil and obj.spec.suspend == true then
  health.status = "Suspended"
  health.message = "suspended: no new runs are scheduled"
  return health
end
local status = obj.status or {}
if status.active ~= nil and table.getn(status.active) > 0 then
  health.status = "Progressing"
  health.message = table.getn(status.active) .. " run(s) in progress"
  return health
end
if status.lastScheduleTime ~= nil and status.lastSuccessfulTime ~= nil
    and status.lastSuccessfulTime < status.lastScheduleTime then
  health.status = "Degraded"
  health.message = "the last run did not succeed"
  return health
end
health.status = "Healthy"
return health
