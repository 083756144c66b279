//! SOPS' JSON store: one object, numbers read as Go's `encoding/json` reads them (all
//! float64), key order kept. Output is pretty JSON.

use super::error::SopsError;
use super::tree::Tree;

/// The object of `text` (serde_json refuses nesting deeper than 128 on its own).
pub(crate) fn parse(file: &str, text: &str) -> Result<Tree, SopsError> {
    let mut tree: Tree = serde_json::from_str(text).map_err(|e| SopsError::Syntax {
        file: file.to_owned(),
        problem: format!("line {} column {}: not valid JSON", e.line(), e.column()),
    })?;
    if !matches!(tree, Tree::Map(_)) {
        return Err(SopsError::Syntax { file: file.to_owned(), problem: "the document is not an object".to_owned() });
    }
    tree.numbers_as_floats();
    Ok(tree)
}

/// The tree as pretty JSON; floats that are whole numbers print without a fraction, as
/// `sops --decrypt` prints them.
pub(crate) fn emit(file: &str, tree: &Tree) -> Result<String, SopsError> {
    let mut out = String::new();
    write(file, tree, 0, &mut out)?;
    out.push('\n');
    Ok(out)
}

fn write(file: &str, tree: &Tree, indent: usize, out: &mut String) -> Result<(), SopsError> {
    match tree {
        Tree::Null => out.push_str("null"),
        Tree::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Tree::Int(i) => out.push_str(&i.to_string()),
        Tree::Float(f) if f.is_finite() => out.push_str(&super::tree::go_float(*f)),
        Tree::Float(_) => {
            return Err(SopsError::malformed(file, "a decrypted float is not finite; JSON cannot hold it"));
        }
        Tree::Str(s) => string(s, out),
        Tree::Seq(items) if items.is_empty() => out.push_str("[]"),
        Tree::Map(entries) if entries.is_empty() => out.push_str("{}"),
        Tree::Seq(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                out.push_str(if i == 0 { "\n" } else { ",\n" });
                push_indent(indent + 1, out);
                write(file, item, indent + 1, out)?;
            }
            out.push('\n');
            push_indent(indent, out);
            out.push(']');
        }
        Tree::Map(entries) => {
            out.push('{');
            for (i, (key, value)) in entries.iter().enumerate() {
                out.push_str(if i == 0 { "\n" } else { ",\n" });
                push_indent(indent + 1, out);
                string(key, out);
                out.push_str(": ");
                write(file, value, indent + 1, out)?;
            }
            out.push('\n');
            push_indent(indent, out);
            out.push('}');
        }
    }
    Ok(())
}

fn string(s: &str, out: &mut String) {
    // serde_json's string escaping cannot fail for a &str.
    out.push_str(&serde_json::to_string(s).unwrap_or_default());
}

fn push_indent(indent: usize, out: &mut String) {
    out.extend(std::iter::repeat_n('\t', indent));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_floats_and_output_reads_back() {
        let tree = parse("f.json", r#"{"a": 1, "b": [2.5, true, null, "x\"y"], "c": {}, "d": []}"#).unwrap();
        assert_eq!(tree.get("a"), Some(&Tree::Float(1.0)));
        let out = emit("f.json", &tree).unwrap();
        assert!(out.contains("\"a\": 1,"), "{out}");
        assert_eq!(parse("f.json", &out).unwrap(), tree);
    }

    #[test]
    fn non_objects_are_refused() {
        assert!(matches!(parse("f.json", "[1]"), Err(SopsError::Syntax { .. })));
        assert!(matches!(parse("f.json", "{"), Err(SopsError::Syntax { .. })));
    }
}
