#!/usr/bin/env python3
"""Generate the Kubernetes protobuf decoding table for ferry-localkube.

The table maps every Kubernetes API message (by OpenAPI definition name) to its protobuf
fields: tag -> JSON name, wire kind or message name, repeated, map key/value kinds. The
Rust decoder (crates/ferry-localkube/src/protobuf/) embeds it with include_str! and turns
`application/vnd.kubernetes.protobuf` request bodies into Kubernetes JSON.

Sources (both offline):
  * field numbers and types: the prost-generated `k8s-pb` crate sources
    (~/.cargo/registry/src/*/k8s-pb-0.9.0/src);
  * JSON field names, required fields and group/version/kinds: the Kubernetes 1.32 OpenAPI
    definitions shipped in the `kubernetes-validate` Python package
    (kubernetes-json-schema/v1.32.0-local/_definitions.json).

Regenerate (from the repository root):

    pip download --no-deps -d /tmp/kv kubernetes-validate==1.37.0
    unzip -o -d /tmp/kv/x /tmp/kv/kubernetes_validate-1.37.0-py3-none-any.whl \
        'kubernetes_validate/kubernetes-json-schema/v1.32.0-local/_definitions.json'
    python3 tools/gen_k8s_proto.py \
        --k8s-pb ~/.cargo/registry/src/*/k8s-pb-0.9.0/src \
        --definitions /tmp/kv/x/kubernetes_validate/kubernetes-json-schema/v1.32.0-local/_definitions.json

(with no arguments it looks in those default places). The output is
crates/ferry-localkube/src/protobuf/k8s-1.32-proto.json, one message per line so diffs read.

Table format:
  {"version": "1.32",
   "gvk": {"apps/v1 Deployment": "io.k8s.api.apps.v1.Deployment", ...},
   "messages": {"<definition>": {"as": "<special>"?, "fields": [[tag, json, kind, flags], ...]}}}
  kind: string|int32|int64|uint32|uint64|bool|double|float|bytes, or "msg:<definition>",
        or for maps "map:<key kind>:<value kind>" (value kind may itself be "msg:<definition>").
  flags: "r" repeated, "i" an embedded Go struct whose fields JSON puts in the parent
         (Volume.volumeSource, Probe.handler), "o" the zero value ("", 0, false) means unset:
         every string OpenAPI does not require, and the ints/bools in ZERO_IS_UNSET. Go's
         `omitempty` drops these; gogo-protobuf nevertheless always writes them.
  as: how a message with a custom JSON form is written: time, microtime, duration, quantity,
      intorstring, raw (RawExtension/JSON/FieldsV1: embedded JSON), orarray, orbool,
      orstringarray, items (a named Go []string such as ExtraValue or Verbs: the list).
Messages without an OpenAPI definition (runtime.Unknown, newer fields and types than 1.32)
get "<package>.<Name>" and lowerCamelCase JSON names; the script reports how many.
"""

import argparse
import glob
import json
import os
import re
import sys

DEFAULT_PB = "~/.cargo/registry/src/*/k8s-pb-0.9.0/src"
DEFAULT_DEFS = "/tmp/kv/x/kubernetes_validate/kubernetes-json-schema/v1.32.0-local/_definitions.json"
OUTPUT = os.path.join(
    os.path.dirname(os.path.abspath(__file__)),
    "..",
    "crates",
    "ferry-localkube",
    "src",
    "protobuf",
    "k8s-1.32-proto.json",
)

# Top-level k8s-pb module -> OpenAPI definition prefix.
ROOTS = {
    "api": "io.k8s.api",
    "apimachinery": "io.k8s.apimachinery",
    "apiextensions_apiserver": "io.k8s.apiextensions-apiserver",
    "kube_aggregator": "io.k8s.kube-aggregator",
    "metrics": "io.k8s.metrics",
}

META = "io.k8s.apimachinery.pkg.apis.meta.v1."
EXT = "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1."
# Messages whose JSON form is not an object of their fields.
SPECIAL = {
    META + "Time": "time",
    META + "MicroTime": "microtime",
    META + "Duration": "duration",
    META + "FieldsV1": "raw",
    "io.k8s.apimachinery.pkg.api.resource.Quantity": "quantity",
    "io.k8s.apimachinery.pkg.api.resource.QuantityValue": "quantity",
    "io.k8s.apimachinery.pkg.util.intstr.IntOrString": "intorstring",
    "io.k8s.apimachinery.pkg.runtime.RawExtension": "raw",
}
for version in ("v1", "v1beta1"):
    base = EXT.replace(".v1.", "." + version + ".")
    SPECIAL[base + "JSON"] = "raw"
    SPECIAL[base + "JSONSchemaPropsOrArray"] = "orarray"
    SPECIAL[base + "JSONSchemaPropsOrBool"] = "orbool"
    SPECIAL[base + "JSONSchemaPropsOrStringArray"] = "orstringarray"

# `*string` fields where "" is a value distinct from unset (so "o" must not be set).
EMPTY_IS_A_VALUE = {
    ("io.k8s.api.core.v1.PersistentVolumeClaimSpec", "storageClassName"),
    ("io.k8s.api.core.v1.PersistentVolumeClaimSpec", "volumeAttributesClassName"),
}

# Non-pointer Go ints and bools with `omitempty`: gogo writes them even when zero, Go's JSON
# drops them, and 0 means "unset" (a nodePort of 0 asks for one to be allocated). Which
# scalars are pointers is not in k8s-pb or OpenAPI, so zeros are kept except here; this list
# is what real kubectl 1.32 bodies (src/protobuf/testdata/*.pb) showed written at zero, plus
# ContainerPort.hostPort.
ZERO_IS_UNSET = {
    (META + "ObjectMeta", "generation"),
    ("io.k8s.api.core.v1.PodSpec", "hostNetwork"),
    ("io.k8s.api.core.v1.PodSpec", "hostPID"),
    ("io.k8s.api.core.v1.PodSpec", "hostIPC"),
    ("io.k8s.api.core.v1.Container", "stdin"),
    ("io.k8s.api.core.v1.Container", "stdinOnce"),
    ("io.k8s.api.core.v1.Container", "tty"),
    ("io.k8s.api.core.v1.ContainerPort", "hostPort"),
    ("io.k8s.api.core.v1.ServicePort", "nodePort"),
    ("io.k8s.api.core.v1.ServiceSpec", "healthCheckNodePort"),
    ("io.k8s.api.core.v1.ServiceSpec", "publishNotReadyAddresses"),
    ("io.k8s.api.apps.v1.DeploymentSpec", "minReadySeconds"),
    ("io.k8s.api.apps.v1.DeploymentSpec", "paused"),
    ("io.k8s.api.apps.v1.DeploymentStatus", "observedGeneration"),
    ("io.k8s.api.apps.v1.DeploymentStatus", "replicas"),
    ("io.k8s.api.apps.v1.DeploymentStatus", "updatedReplicas"),
    ("io.k8s.api.apps.v1.DeploymentStatus", "availableReplicas"),
    ("io.k8s.api.apps.v1.DeploymentStatus", "unavailableReplicas"),
    ("io.k8s.api.apps.v1.DeploymentStatus", "readyReplicas"),
    ("io.k8s.api.batch.v1.JobStatus", "active"),
    ("io.k8s.api.batch.v1.JobStatus", "succeeded"),
    ("io.k8s.api.batch.v1.JobStatus", "failed"),
}

# The envelope every protobuf body carries, even though OpenAPI does not describe it.
ENVELOPE = "io.k8s.apimachinery.pkg.runtime.Unknown"

ATTR = re.compile(r"#\[prost\((.*)\)\]")
FIELD = re.compile(r"pub (?:r#)?(\w+):\s*(.*)$", re.S)
STRUCT = re.compile(r"^pub struct (\w+) \{")
SCALARS = {"string", "int32", "int64", "uint32", "uint64", "bool", "double", "float", "bytes"}


def norm(name):
    return re.sub(r"[^a-z0-9]", "", name.lower())


def camel(snake):
    head, *rest = snake.split("_")
    return head + "".join(p[:1].upper() + p[1:] for p in rest)


def module_of(path, src):
    rel = os.path.relpath(os.path.dirname(path), src)
    return tuple(rel.split(os.sep))


def package_of(module):
    return ".".join([ROOTS[module[0]]] + list(module[1:]))


def parse_file(path, module):
    """Yields (struct name, [(attr, field name, rust type)]) for one prost file."""
    lines = open(path, encoding="utf-8").read().split("\n")
    i, struct, fields = 0, None, []
    while i < len(lines):
        line = lines[i]
        m = STRUCT.match(line)
        if m and line.endswith("{}"):
            yield m.group(1), []
        elif m:
            struct, fields = m.group(1), []
        elif struct and line == "}":
            yield struct, fields
            struct = None
        elif struct:
            a = ATTR.search(line.strip())
            if a and line.strip().startswith("#[prost("):
                # The field declaration may span lines; it ends at a ',' at bracket depth 0.
                decl, depth = "", 0
                i += 1
                while i < len(lines):
                    decl += " " + lines[i].strip()
                    depth = decl.count("<") - decl.count(">")
                    if decl.rstrip().endswith(",") and depth == 0:
                        break
                    i += 1
                f = FIELD.search(decl.strip().rstrip(","))
                if not f:
                    sys.exit(f"{path}: cannot parse field after {line.strip()}")
                fields.append((a.group(1), f.group(1), f.group(2)))
        i += 1


def message_type(rust_type, module):
    """The (module, struct) a message field's Rust type names, resolving super::."""
    t = re.sub(r"\s+", "", rust_type).replace(",>", ">")
    for wrapper in (
        "::core::option::Option<",
        "::prost::alloc::vec::Vec<",
        "::prost::alloc::boxed::Box<",
    ):
        t = t.replace(wrapper, "")
    if t.startswith("::prost::alloc::collections::BTreeMap<"):
        t = t[len("::prost::alloc::collections::BTreeMap<") :].split(",", 1)[1]
    t = t.rstrip(">")
    parts = t.split("::")
    mod = list(module)
    while parts and parts[0] == "super":
        mod.pop()
        parts.pop(0)
    return tuple(mod + parts[:-1]), parts[-1]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--k8s-pb", default=DEFAULT_PB)
    ap.add_argument("--definitions", default=DEFAULT_DEFS)
    ap.add_argument("--output", default=OUTPUT)
    args = ap.parse_args()
    srcs = glob.glob(os.path.expanduser(args.k8s_pb))
    if len(srcs) != 1:
        sys.exit(f"k8s-pb sources not found (or ambiguous): {args.k8s_pb}")
    src = srcs[0]
    defs = json.load(open(args.definitions, encoding="utf-8"))["$defs"]
    defs_by_norm = {}
    for name in defs:
        pkg, _, short = name.rpartition(".")
        defs_by_norm[(pkg, short.lower())] = name

    # (module, struct) -> (definition name, parsed fields)
    structs = {}
    for path in sorted(glob.glob(os.path.join(src, "**", "mod.rs"), recursive=True)):
        module = module_of(path, src)
        if module[0] not in ROOTS:
            continue
        pkg = package_of(module)
        for struct, fields in parse_file(path, module):
            name = defs_by_norm.get((pkg, struct.lower()), f"{pkg}.{struct}")
            structs[(module, struct)] = (name, fields)

    messages, unmatched = {}, []

    def kind_of(attr, rust_type, module):
        scalar = attr.split(",")[0].split("=")[0].strip()
        if scalar in SCALARS:
            return scalar
        if scalar == "message":
            target = structs.get(message_type(rust_type, module))
            if target is None:
                sys.exit(f"unresolved message type {rust_type} in {module}")
            return "msg:" + target[0]
        sys.exit(f"unsupported prost attribute {attr}")

    def inlined(attr, rust_type, module, props):
        """An embedded Go struct (`json:",inline"`): a message field whose own fields are
        properties of the parent, e.g. Volume.volumeSource or Probe.handler."""
        names = inner_names(attr, rust_type, module, props)
        # Most, not all: k8s-pb may know fields newer than 1.32.
        return bool(names) and 2 * sum(n in props for n in names) > len(names)

    def inner_names(attr, rust_type, module, props, depth=3):
        """The names a message field's fields would give the parent, expanding fields that
        are not the parent's properties themselves (an inline struct inside an inline struct)."""
        if depth == 0 or not attr.startswith("message") or "repeated" in attr:
            return []
        child_module, _ = message_type(rust_type, module)
        _, child = structs[message_type(rust_type, module)]
        names = []
        for a, f, t in child:
            nested = [] if norm(f) in props else inner_names(a, t, child_module, props, depth - 1)
            names += nested or [norm(f)]
        return names

    # A struct Go embeds inline (VolumeSource in Volume) often has no definition of its own:
    # its JSON names are the parent's properties.
    schema = {name: defs[name] for name, _ in structs.values() if name in defs}
    for _ in range(3):  # inline inside inline
        for (module, struct), (name, fields) in structs.items():
            props = {norm(p): p for p in schema.get(name, {}).get("properties", {})}
            for attr, field, rust_type in fields:
                if norm(field) not in props and inlined(attr, rust_type, module, props):
                    child = structs[message_type(rust_type, module)][0]
                    if "properties" not in defs.get(child, {}):
                        schema[child] = schema[name]

    for (module, struct), (name, fields) in structs.items():
        definition = schema.get(name, {})
        props = {norm(p): p for p in definition.get("properties", {})}
        required = set(definition.get("required", []))
        out = []
        for attr, field, rust_type in fields:
            tag = int(re.search(r'tag = "(\d+)"', attr).group(1))
            json_name = props.get(norm(field))
            flags = ""
            if json_name is None:
                json_name = camel(field)
                if inlined(attr, rust_type, module, props):
                    flags += "i"
                elif name in schema and name not in SPECIAL:
                    unmatched.append(f"{name}.{json_name}")
            m = re.match(r'\s*(?:btree_)?map\s*=\s*"(\w+),\s*(\w+)"', attr)
            if m:
                key, value = m.groups()
                if value == "message":
                    value = kind_of("message", rust_type, module)
                kind = f"map:{key}:{value}"
            else:
                kind = kind_of(attr, rust_type, module)
                if "repeated" in attr:
                    flags += "r"
                elif (
                    kind == "string"
                    and json_name not in required
                    and (name, json_name) not in EMPTY_IS_A_VALUE
                ) or (name, json_name) in ZERO_IS_UNSET:
                    flags += "o"
            out.append([tag, json_name, kind, flags] if flags else [tag, json_name, kind])
        entry = {"fields": sorted(out)}
        if name in SPECIAL:
            entry["as"] = SPECIAL[name]
        elif name not in defs and [f[1:] for f in out] == [["items", "string", "r"]]:
            # A named Go slice (`type ExtraValue []string`, meta Verbs): JSON is the list.
            entry["as"] = "items"
        messages[name] = entry

    # Keep what 1.32 defines, the envelope, and everything they reach.
    keep, todo = set(), [n for n in messages if n in defs or n == ENVELOPE]
    while todo:
        n = todo.pop()
        if n in keep:
            continue
        keep.add(n)
        for f in messages[n]["fields"]:
            for part in f[2].split(":"):
                if part in messages and part not in keep:
                    todo.append(part)

    gvk = {}
    for name in sorted(keep):
        for g in defs.get(name, {}).get("x-kubernetes-group-version-kind", []):
            api_version = f"{g['group']}/{g['version']}" if g["group"] else g["version"]
            key = f"{api_version} {g['kind']}"
            if key in gvk and gvk[key] != name:
                sys.exit(f"{key} names both {gvk[key]} and {name}")
            gvk[key] = name

    missing = sorted(n for n in defs if n not in messages and "properties" in defs[n])
    unmatched = [u for u in unmatched if u.rsplit(".", 1)[0] in keep]
    lines = ['{"version": "1.32",', ' "gvk": ' + json.dumps(gvk, sort_keys=True) + ",", ' "messages": {']
    names = sorted(keep)
    for i, name in enumerate(names):
        sep = "," if i + 1 < len(names) else ""
        lines.append(f"  {json.dumps(name)}: {json.dumps(messages[name], separators=(',', ':'))}{sep}")
    lines.append(" }}")
    with open(args.output, "w", encoding="utf-8") as out:
        out.write("\n".join(lines) + "\n")

    fields = sum(len(messages[n]["fields"]) for n in keep)
    print(f"wrote {os.path.normpath(args.output)}: {len(keep)} messages, {fields} fields, {len(gvk)} kinds")
    print(f"fields with no OpenAPI property (lowerCamelCase derived): {len(unmatched)}")
    for u in unmatched:
        print(f"  {u}")
    print(f"OpenAPI definitions with properties but no protobuf message: {len(missing)}")
    for m in missing:
        print(f"  {m}")


if __name__ == "__main__":
    main()
