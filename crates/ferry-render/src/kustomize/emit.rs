//! Printing resources exactly as `kubectl kustomize` prints them.
//!
//! kustomize marshals each resource to JSON and converts it with sigs.k8s.io/yaml, i.e.
//! go-yaml v2 reads the JSON back (typing numbers) and prints it: keys in go-yaml v2's order,
//! block style, two-space indentation with sequences at their key's indentation, plain scalars
//! where YAML 1.1 would read them back as strings, otherwise single or double quotes, literal
//! blocks for multi-line strings, folding at 80 columns. Resources are separated by `---`.
//!
//! Layout: `writer` (libyaml's block layout and output state), `styles` (the scalar writers),
//! `scalar` (style choice), `resolve` (what YAML 1.1 would not read as a string), `keys` and `gosort` (key
//! order), `number` (floats after the JSON round trip). One pass into one `String`.

mod gosort;
mod keys;
mod number;
mod resolve;
mod scalar;
mod styles;
mod writer;

use serde_json::Value;

use writer::{Context, Writer};

/// One resource exactly as kustomize prints it, ending in a newline, without a separator.
pub fn emit(obj: &Value) -> String {
    let mut out = String::with_capacity(1024);
    emit_into(&mut out, obj);
    out
}

/// All resources as `kubectl kustomize` prints them: `---\n` between resources, nothing
/// before the first or after the last; nothing at all for no resources.
pub fn emit_all(objs: &[Value]) -> String {
    let mut out = String::with_capacity(1024 * objs.len());
    for (i, obj) in objs.iter().enumerate() {
        if i > 0 {
            out.push_str("---\n");
        }
        emit_into(&mut out, obj);
    }
    out
}

/// Appends one resource (one YAML document) to `out`.
pub fn emit_into(out: &mut String, obj: &Value) {
    let mut w = Writer::new(out);
    w.node(obj, -1, Context { mapping: false, simple_key: false });
    // Document end: finish the last line unless a block scalar already did.
    w.write_indent(0);
}

#[cfg(test)]
mod tests;
