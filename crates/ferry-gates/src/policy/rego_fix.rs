//! Rewrites of Rego text that OPA accepts and regorus reads differently, so that policies from
//! the Gatekeeper library run unchanged. Every rewrite keeps line numbers, so parse errors still
//! point at the user's line.
//!
//! - A line that starts with `(` ends the previous expression in OPA (a newline ends an
//!   expression inside a rule body); regorus reads `x\n(y)` as the call `x(y)`. A `;` is put at
//!   the end of the previous line.
//! - Rego v0 lets a rule have several bodies, `p { a } { b }`, meaning `p` holds when either
//!   does; regorus rejects the second body. The rule's head is repeated before it, which is the
//!   same rule written twice.

/// What the scanner knows about an open bracket.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Open {
    /// `{` opening a rule body (or a nested body such as `every … { }`).
    Body,
    /// `{` opening an object or set literal.
    Literal,
    /// `[` or `(`.
    Other,
}

/// `rego` with the rewrites applied; `v0` enables the several-bodies rewrite.
pub fn rewrite(rego: &str, v0: bool) -> String {
    let mut scanner = Scanner { src: rego, out: String::with_capacity(rego.len() + 64), ..Scanner::default() };
    scanner.run(v0);
    scanner.out
}

#[derive(Default)]
struct Scanner<'a> {
    src: &'a str,
    out: String,
    stack: Vec<Open>,
    /// The last character outside strings and comments that is not whitespace.
    last: Option<char>,
    /// The two characters before `last`, to tell `:=`/`==`/`=` apart.
    last_word: String,
    /// Where the head of the rule being read starts (an index into `src`).
    head_start: Option<usize>,
    /// The head of the last rule whose body opened at the top level.
    head: Option<String>,
    /// A top-level body just closed: a `{` now is a second body.
    body_closed: bool,
}

impl Scanner<'_> {
    fn run(&mut self, v0: bool) {
        let src = self.src;
        let mut chars = src.char_indices().peekable();
        let mut line_start = true;
        while let Some((i, c)) = chars.next() {
            if line_start && self.stack.is_empty() && !c.is_whitespace() {
                self.note_line_start(i);
            }
            line_start = false;
            match c {
                '"' | '`' => {
                    let end = string_end(src, i, c);
                    self.out.push_str(&src[i..end]);
                    while chars.peek().is_some_and(|(j, _)| *j < end) {
                        chars.next();
                    }
                    self.significant('"');
                }
                '#' => {
                    let end = src[i..].find('\n').map_or(src.len(), |n| i + n);
                    self.out.push_str(&src[i..end]);
                    while chars.peek().is_some_and(|(j, _)| *j < end) {
                        chars.next();
                    }
                }
                '\n' => {
                    if self.next_line_opens_paren(i + 1) {
                        self.out.push(';');
                    }
                    self.out.push('\n');
                    line_start = true;
                }
                '{' => self.open_brace(i, v0),
                '}' => self.close(c),
                '[' | '(' => {
                    self.stack.push(Open::Other);
                    self.out.push(c);
                    self.significant(c);
                }
                ']' | ')' => self.close(c),
                c if c.is_whitespace() => self.out.push(c),
                c => {
                    if self.body_closed && self.stack.is_empty() {
                        self.body_closed = self.word_at(i) == "else";
                    }
                    self.out.push(c);
                    self.significant(c);
                }
            }
        }
    }

    /// A top-level line starting at `i` may start a new rule.
    fn note_line_start(&mut self, i: usize) {
        let word = self.word_at(i);
        let continues = word == "else" || self.src[i..].starts_with('{') || self.src[i..].starts_with('}');
        if !continues && !word.is_empty() {
            self.head_start = Some(i);
        }
    }

    fn word_at(&self, i: usize) -> &str {
        let rest = &self.src[i..];
        let end = rest.find(|c: char| !(c.is_alphanumeric() || c == '_')).unwrap_or(rest.len());
        &rest[..end]
    }

    fn open_brace(&mut self, i: usize, v0: bool) {
        let literal = matches!(self.last, Some('=' | ',' | ':' | '[' | '(' | '|' | '{'))
            || matches!(self.last_word.as_str(), "contains" | "in" | "with" | "as");
        if self.stack.is_empty() && !literal {
            if self.body_closed && v0 {
                if let Some(head) = &self.head {
                    self.out.push_str(head);
                    self.out.push(' ');
                }
            } else if let Some(start) = self.head_start.take() {
                self.head = Some(one_line(&self.src[start..i]));
            }
        }
        self.body_closed = false;
        self.stack.push(if literal { Open::Literal } else { Open::Body });
        self.out.push('{');
        self.significant('{');
    }

    fn close(&mut self, c: char) {
        let popped = self.stack.pop();
        self.body_closed = self.stack.is_empty() && popped == Some(Open::Body);
        self.out.push(c);
        self.significant(c);
    }

    fn significant(&mut self, c: char) {
        if c.is_alphanumeric() || c == '_' {
            self.last_word.push(c);
        } else {
            self.last_word.clear();
        }
        self.last = Some(c);
    }

    /// Whether the line starting at `from` opens with `(` where that starts a new expression.
    fn next_line_opens_paren(&self, from: usize) -> bool {
        let next = self.src[from..].trim_start_matches([' ', '\t']);
        if !next.starts_with('(') || self.stack.last() != Some(&Open::Body) {
            return false;
        }
        let keyword = matches!(self.last_word.as_str(), "not" | "some" | "else" | "with" | "as" | "in" | "if");
        let ends_term = self.last.is_some_and(|c| c.is_alphanumeric() || matches!(c, '_' | ']' | ')' | '"' | '}'));
        ends_term && !keyword && self.last != Some('{')
    }
}

/// The index just past the string literal opened by `quote` at `start`.
fn string_end(src: &str, start: usize, quote: char) -> usize {
    let mut escaped = false;
    for (j, c) in src[start + 1..].char_indices() {
        if quote == '"' && escaped {
            escaped = false;
        } else if quote == '"' && c == '\\' {
            escaped = true;
        } else if c == quote {
            return start + 1 + j + c.len_utf8();
        } else if quote == '"' && c == '\n' {
            return start + 1 + j;
        }
    }
    src.len()
}

/// `head` on one line, comments dropped, so that repeating it keeps line numbers.
fn one_line(head: &str) -> String {
    head.lines()
        .map(|line| line.split(" #").next().unwrap_or(line).trim())
        .collect::<Vec<_>>()
        .join(" ")
        .trim()
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::rewrite;

    #[test]
    fn a_line_opening_with_a_paren_ends_the_previous_expression() {
        let rego = "package a\np {\n  x := input.y\n  (x == 1)\n}\n";
        assert_eq!(rewrite(rego, true), "package a\np {\n  x := input.y;\n  (x == 1)\n}\n");
    }

    #[test]
    fn a_paren_continuing_an_operator_or_a_call_is_kept() {
        let rego = "package a\np {\n  x := 1 +\n  (2)\n  y := f(\n  (3))\n}\n";
        assert_eq!(rewrite(rego, true), rego);
    }

    #[test]
    fn a_second_body_gets_the_head_repeated_on_the_same_line() {
        let rego = "package a\nviolation[{\"msg\": m}] {\n  m := \"one\"\n} {\n  m := \"two\"\n}\n";
        let out = rewrite(rego, true);
        assert_eq!(
            out,
            "package a\nviolation[{\"msg\": m}] {\n  m := \"one\"\n} violation[{\"msg\": m}] {\n  m := \"two\"\n}\n"
        );
        assert_eq!(out.lines().count(), rego.lines().count());
    }

    #[test]
    fn else_chains_literals_strings_and_comments_are_left_alone() {
        let rego = "package a\nd := {\"a\": 1}\nf(x) = \"{\" { x == 1 } else = \"}\" { true }\n# } {\np { true }\n";
        assert_eq!(rewrite(rego, true), rego);
    }

    #[test]
    fn v1_rules_keep_their_bodies() {
        let rego = "package a\np if { true }\n";
        assert_eq!(rewrite(rego, false), rego);
    }
}
