//! JUnit XML: one failed test case per finding, so CI systems show findings as test failures.

use crate::secrets::Finding;

/// The findings as a JUnit `<testsuites>` document.
pub fn render(findings: &[Finding]) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let n = findings.len();
    out.push_str(&format!("<testsuites tests=\"{n}\" failures=\"{n}\">\n"));
    out.push_str(&format!("  <testsuite name=\"ferry secrets\" tests=\"{n}\" failures=\"{n}\">\n"));
    for f in findings {
        let name = format!("{} has detected a secret in file {}, line {}", f.rule_id, f.file, f.start_line);
        let name = if f.commit.is_empty() { format!("{name}.") } else { format!("{name}, at commit {}.", f.commit) };
        let body = serde_json::to_string_pretty(f).unwrap_or_default();
        out.push_str(&format!(
            "    <testcase classname=\"{}\" file=\"{}\" name=\"{}\">\n      <failure message=\"{}\" type=\"{}\">{}</failure>\n    </testcase>\n",
            escape(&f.description),
            escape(&f.file),
            escape(&name),
            escape(&name),
            escape(&f.description),
            escape(&body),
        ));
    }
    out.push_str("  </testsuite>\n</testsuites>\n");
    out
}

/// Escapes XML text and attribute values; characters XML 1.0 forbids are dropped.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_in_findings() {
        let f = Finding {
            rule_id: "r".into(),
            file: "a<b>&\"c\".txt".into(),
            secret: "x\u{1}y".into(),
            ..Finding::default()
        };
        let xml = render(&[f]);
        assert!(xml.contains("a&lt;b&gt;&amp;&quot;c&quot;.txt"));
        assert!(!xml.contains('\u{1}'));
        assert!(xml.contains("tests=\"1\" failures=\"1\""));
    }
}
