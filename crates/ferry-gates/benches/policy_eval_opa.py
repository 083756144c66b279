#!/usr/bin/env python3
"""Peer for benches/policy_eval.rs: the same (object, constraint) evaluations run by OPA itself.

OPA here is the Go library (github.com/open-policy-agent/opa v1.20.2) that the PyPI wheel
opa-golib-python-bindings ships as a c-shared library; this script drives it through the wheel's
ctypes wrapper. One engine holds every template's modules (each template's libs under its own
package, as Gatekeeper keeps them) and `data.inventory` (every object, as Gatekeeper syncs it),
loaded once; OPA prepares each `data.<package>.violation` query once and each review is one
evaluation of it with `input = {review, parameters}`, as Gatekeeper's driver does.
The violation count of every evaluation is compared with Ferry's (regorus), so the run is also a
check that Ferry's library means the same in both engines.

The library mixes Rego v0 and v1; the bridge parses only v1, so v0 modules are rewritten to v1
first (`contains`/`if` in rule heads: the same rules in the newer syntax).

Every call crosses Python, ctypes and JSON both ways; the cost of that crossing is measured on
its own (an evaluation of a constant rule with the same input) and printed, so OPA's own time can
be told apart.

Usage:
  FERRY_BENCH_EXPORT=/tmp/policy_eval.json cargo bench -p ferry-gates --bench policy_eval
  PYTHONPATH=<dir with opa_bindings> python3 crates/ferry-gates/benches/policy_eval_opa.py /tmp/policy_eval.json
"""

import json
import re
import resource
import sys
import time
from collections import defaultdict

from opa_bindings import OpaEngine, OpaUndefinedError

PARTIAL_SET = re.compile(r"^(?P<name>[A-Za-z_][\w]*)\[(?P<key>.+)\]$")


def to_v1(module: str) -> str:
    """A Rego v0 module in v1 syntax: `p[x] {` becomes `p contains x if {`, `f(x) {` becomes
    `f(x) if {`, `} else = y {` becomes `} else = y if {`. Only top-level lines that open a rule body are touched (`x := {` opens a
    literal and is left alone)."""
    out = []
    for line in module.splitlines():
        stripped = line.rstrip()
        starts_rule = line[:1].isalpha() or line.startswith("} else")
        opens_body = stripped.endswith("{") and starts_rule and not line.startswith(("package", "import"))
        head = stripped[:-1].rstrip()
        if opens_body and not re.search(r"(=|,|\[|\()$", head) and not head.endswith(" if"):
            partial = PARTIAL_SET.match(head)
            if partial and "=" not in head.split("]")[-1]:
                head = f"{partial.group('name')} contains {partial.group('key')}"
            line = f"{head} if {{"
        out.append(line)
    return "\n".join(out) + "\n"


def package_of(module: str) -> str:
    return re.search(r"^package\s+(\S+)", module, re.M).group(1)


def own_libs(module: str, package: str) -> str:
    """`lib.…` packages moved under the template's own name, as Gatekeeper keeps each template's
    libs apart: the library's templates share lib package names with different rules."""
    module = re.sub(r"^package lib\.", f"package libs.{package}.lib.", module, flags=re.M)
    return re.sub(r"\bdata\.lib\.", f"data.libs.{package}.lib.", module)


def engine_for(templates, inventory):
    """One OPA engine holding every template's modules and, once, `data.inventory`, as
    Gatekeeper's driver holds them; the violation rule's path for each template kind."""
    engine = OpaEngine()
    paths = {}
    for kind, template in templates.items():
        package = package_of(template["modules"][0])
        for i, module in enumerate(template["modules"]):
            text = module if template["version"] == "v1" else to_v1(module)
            engine.add_policy(f"{kind}/{i}.rego", own_libs(text, package))
        paths[kind] = package + ".violation"
    engine.add_data({"inventory": inventory})
    return engine, paths


def violations(engine, path, input_):
    try:
        result = engine.eval_document(path, input_)
    except OpaUndefinedError:
        return 0
    return len(result)


def percentile(values, q):
    ordered = sorted(values)
    return ordered[min(int(len(ordered) * q), len(ordered) - 1)]


def bridge_cost(tasks):
    """Seconds per call spent crossing Python, ctypes and JSON, with OPA doing almost nothing."""
    engine = OpaEngine()
    engine.add_policy("bridge.rego", "package bridge\n\nviolation contains 1 if false\n")
    started = time.perf_counter()
    for task in tasks:
        violations(engine, "bridge.violation", task["input"])
    return (time.perf_counter() - started) / max(len(tasks), 1)


def rss_kib(field):
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field):
                return int(line.split()[1])
    return 0


def run(workload):
    started = time.perf_counter()
    engine, paths = engine_for(workload["templates"], workload["inventory"])
    load = time.perf_counter() - started
    tasks = workload["tasks"]
    # One pass to prepare every query (OPA compiles on first use), then the measured pass.
    for task in tasks:
        violations(engine, paths[task["kind"]], task["input"])
    per_object = defaultdict(float)
    mismatches = []
    found = 0
    for task in tasks:
        one = time.perf_counter()
        count = violations(engine, paths[task["kind"]], task["input"])
        per_object[task["object"]] += time.perf_counter() - one
        found += count
        if count != task["violations"]:
            mismatches.append((task["constraint"], task["object"], count, task["violations"]))
    return load, per_object, found, mismatches


def main():
    with open(sys.argv[1]) as f:
        workload = json.load(f)
    before_opa = rss_kib("VmRSS:")
    objects = workload["objects"]
    pairs = objects * len(workload["templates"])
    load, per_object, found, mismatches = run(workload)
    times = [per_object.get(i, 0.0) for i in range(objects)]
    total = sum(times)
    bridge = bridge_cost(workload["tasks"])
    runs = len(workload["tasks"])
    print(f"opa peer (OPA v1.20.2 via opa-golib-python-bindings): {len(workload['templates'])} templates loaded "
          f"with the inventory in {load * 1e3:.1f} ms")
    print(f"full inventory: total {total * 1e3:.1f} ms for {objects} objects, {found} violations; "
          f"{objects / total:.0f} objects/s; {pairs / total:.0f} evaluations/s (object × constraint), "
          f"{runs / total:.0f} Rego runs/s; per object p50 {percentile(times, 0.5) * 1e6:.0f} µs "
          f"p99 {percentile(times, 0.99) * 1e6:.0f} µs max {max(times) * 1e6:.0f} µs")
    print(f"bridge (Python + ctypes + JSON) per call {bridge * 1e6:.1f} µs, {bridge * runs * 1e3:.1f} ms of the total; "
          f"OPA alone ≈ {(total - bridge * runs) * 1e3:.1f} ms")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"peak RSS {peak // 1024} MiB, of which {before_opa // 1024} MiB is Python holding the workload before "
          f"OPA is loaded (so OPA ≈ {(peak - before_opa) // 1024} MiB)")
    if mismatches:
        print(f"{len(mismatches)} evaluations where OPA and Ferry disagree on the violation count:")
        for constraint, obj, opa, ferry in mismatches[:20]:
            print(f"  {constraint} on object {obj}: OPA {opa}, Ferry {ferry}")
        sys.exit(1)
    print(f"OPA and Ferry agree on all {runs} evaluations")


if __name__ == "__main__":
    main()
