-- A Rollout check comparing replica counts, written for Ferry's tests.
hs = {}
local spec, status = obj.spec, obj.status
if status == nil or status.replicas == nil then
  hs.status = "Progressing"
  hs.message = "no status yet"
  return hs
end
if status.updatedReplicas < spec.replicas then
  hs.status = "Progressing"
  hs.message = string.format("%d of %d replicas updated", status.updatedReplicas, spec.replicas)
  return hs
end
if status.replicas == spec.replicas and status.availableReplicas == spec.replicas then
  hs.status = "Healthy"
  hs.message = "all " .. spec.replicas .. " replicas available"
  return hs
end
hs.status = "Progressing"
hs.message = tostring(status.availableReplicas) .. "/" .. tostring(spec.replicas) .. " available"
return hs
