//! Reading what `helm template` prints: `---\n# Source: chart/templates/x.yaml\n<document>`.
//!
//! The whole output is parsed as one YAML stream (within the parsing budget); each object's
//! file is the last `# Source:` comment above its document, as Argo CD shows it.

use super::error::HelmError;
use crate::documents;
use crate::error::RenderError;
use crate::objects::{self, RenderedObject};

const SOURCE_PREFIX: &str = "# Source: ";

/// The objects of `stdout`, each with the template path it came from.
pub(crate) fn parse(chart: &str, stdout: &[u8]) -> Result<Vec<RenderedObject>, HelmError> {
    let bad = |file: &str, line: usize, message: String| HelmError::BadOutput {
        chart: chart.to_owned(),
        file: file.to_owned(),
        line,
        message,
    };
    let text = std::str::from_utf8(stdout).map_err(|e| bad("helm output", 0, format!("not UTF-8 text: {e}")))?;
    let sources = source_lines(text);
    let docs = documents::parse("helm output", text).map_err(|e| match e {
        RenderError::Syntax { line, message, .. } => bad(source_at(&sources, line), line, message),
        other => bad("helm output", 0, other.to_string()),
    })?;
    let mut out = Vec::new();
    for doc in docs {
        let file = source_at(&sources, doc.line).to_owned();
        let line = doc.line;
        objects::collect(doc, &file, &mut out).map_err(|e| match e {
            RenderError::InvalidObject { problem, .. } => bad(&file, line, problem),
            other => bad(&file, line, other.to_string()),
        })?;
    }
    Ok(out)
}

/// `(line, path)` of every `# Source:` comment, in order.
fn source_lines(text: &str) -> Vec<(usize, &str)> {
    text.lines()
        .enumerate()
        .filter_map(|(i, line)| line.strip_prefix(SOURCE_PREFIX).map(|path| (i + 1, path.trim())))
        .collect()
}

/// The source named last before `line` (documents without one are "helm output").
fn source_at<'t>(sources: &[(usize, &'t str)], line: usize) -> &'t str {
    sources.iter().take_while(|(at, _)| *at <= line).last().map_or("helm output", |(_, path)| path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn objects_keep_their_template_path() {
        let out = "---\n# Source: demo/crds/a.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n---\n\
                   apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a2\n\n---\n# Source: demo/templates/b.yaml\n\
                   apiVersion: v1\nkind: Secret\nmetadata:\n  name: b\n";
        let objects = parse("demo", out.as_bytes()).unwrap();
        let files: Vec<_> = objects.iter().map(|o| (o.file.as_str(), o.object["metadata"]["name"].as_str())).collect();
        assert_eq!(
            files,
            [("demo/crds/a.yaml", Some("a")), ("demo/crds/a.yaml", Some("a2")), ("demo/templates/b.yaml", Some("b"))]
        );
    }

    #[test]
    fn broken_output_names_the_template() {
        let out = "---\n# Source: demo/templates/x.yaml\nkind: ConfigMap\nmetadata: {name: x}\n";
        let err = parse("demo", out.as_bytes()).unwrap_err();
        assert!(matches!(&err, HelmError::BadOutput { file, .. } if file == "demo/templates/x.yaml"), "{err}");
        assert!(err.to_string().contains("apiVersion"), "{err}");
    }
}
