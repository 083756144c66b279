//! `include`/`exclude` patterns with the semantics Argo CD gives them.
//!
//! Argo CD matches `directory.include` and `directory.exclude` against the file path relative
//! to the source path with `github.com/gobwas/glob` compiled without separators
//! (`util/glob.Match(pattern, relPath)` in its repo server). So:
//!
//! - `*` (and `**`) match any run of characters, `/` included: `*.yaml` matches `a/b.yaml`;
//! - `?` matches one character; `[abc]`, `[a-z]`, `[!abc]` match one character of a class;
//! - `{a,b}` matches either alternative, and alternatives may nest and hold wildcards;
//! - `\` makes the next character literal.
//!
//! Argo CD treats a pattern that does not compile as matching nothing; Ferry reports it.

use crate::error::RenderError;

/// Brace alternatives are expanded; more than this many is refused.
const MAX_ALTERNATIVES: usize = 1024;

/// A compiled pattern: one flat pattern per brace alternative.
#[derive(Debug, Clone)]
pub(crate) struct Glob {
    alternatives: Vec<Vec<Token>>,
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Literal(char),
    AnyRun,
    AnyOne,
    Class { negated: bool, ranges: Vec<(char, char)> },
}

/// A parsed pattern before brace expansion.
#[derive(Debug, Clone)]
enum Part {
    Token(Token),
    Alternatives(Vec<Vec<Part>>),
}

impl Glob {
    pub fn new(pattern: &str) -> Result<Glob, RenderError> {
        let bad = |problem: &str| RenderError::BadPattern { pattern: pattern.to_owned(), problem: problem.to_owned() };
        let chars: Vec<char> = pattern.chars().collect();
        let mut pos = 0;
        let parts = parse_sequence(&chars, &mut pos, false).map_err(bad)?;
        if pos != chars.len() {
            return Err(bad("unexpected `}`"));
        }
        let alternatives = expand(&parts).map_err(bad)?;
        Ok(Glob { alternatives })
    }

    pub fn is_match(&self, text: &str) -> bool {
        let text: Vec<char> = text.chars().collect();
        self.alternatives.iter().any(|tokens| match_flat(tokens, &text))
    }
}

/// Parses until the end, or (inside braces) until an unescaped `,` or `}`.
fn parse_sequence(chars: &[char], pos: &mut usize, in_braces: bool) -> Result<Vec<Part>, &'static str> {
    let mut parts = Vec::new();
    while let Some(&c) = chars.get(*pos) {
        match c {
            ',' | '}' if in_braces => return Ok(parts),
            '}' => return Ok(parts),
            '\\' => {
                let escaped = chars.get(*pos + 1).ok_or("`\\` at the end of the pattern")?;
                parts.push(Part::Token(Token::Literal(*escaped)));
                *pos += 2;
            }
            '*' => {
                while chars.get(*pos) == Some(&'*') {
                    *pos += 1;
                }
                parts.push(Part::Token(Token::AnyRun));
            }
            '?' => {
                parts.push(Part::Token(Token::AnyOne));
                *pos += 1;
            }
            '[' => parts.push(Part::Token(parse_class(chars, pos)?)),
            '{' => parts.push(parse_alternatives(chars, pos)?),
            _ => {
                parts.push(Part::Token(Token::Literal(c)));
                *pos += 1;
            }
        }
    }
    if in_braces { Err("unclosed `{`") } else { Ok(parts) }
}

fn parse_alternatives(chars: &[char], pos: &mut usize) -> Result<Part, &'static str> {
    *pos += 1; // `{`
    let mut alternatives = vec![parse_sequence(chars, pos, true)?];
    while chars.get(*pos) == Some(&',') {
        *pos += 1;
        alternatives.push(parse_sequence(chars, pos, true)?);
    }
    *pos += 1; // `}`
    Ok(Part::Alternatives(alternatives))
}

fn parse_class(chars: &[char], pos: &mut usize) -> Result<Token, &'static str> {
    *pos += 1; // `[`
    let negated = chars.get(*pos) == Some(&'!');
    if negated {
        *pos += 1;
    }
    let mut ranges = Vec::new();
    loop {
        let c = *chars.get(*pos).ok_or("unclosed `[`")?;
        if c == ']' {
            *pos += 1;
            break;
        }
        let low = if c == '\\' {
            *pos += 1;
            *chars.get(*pos).ok_or("unclosed `[`")?
        } else {
            c
        };
        *pos += 1;
        if chars.get(*pos) == Some(&'-') && chars.get(*pos + 1).is_some_and(|c| *c != ']') {
            let high = chars[*pos + 1];
            if high < low {
                return Err("a character range runs backwards");
            }
            ranges.push((low, high));
            *pos += 2;
        } else {
            ranges.push((low, low));
        }
    }
    if ranges.is_empty() {
        return Err("an empty character class `[]`");
    }
    Ok(Token::Class { negated, ranges })
}

/// Every flat token sequence the braces of `parts` describe.
fn expand(parts: &[Part]) -> Result<Vec<Vec<Token>>, &'static str> {
    let mut results: Vec<Vec<Token>> = vec![Vec::new()];
    for part in parts {
        match part {
            Part::Token(token) => results.iter_mut().for_each(|r| r.push(token.clone())),
            Part::Alternatives(alternatives) => {
                let mut tails = Vec::new();
                for alternative in alternatives {
                    tails.extend(expand(alternative)?);
                }
                if results.len() * tails.len() > MAX_ALTERNATIVES {
                    return Err("too many brace alternatives");
                }
                results = results
                    .iter()
                    .flat_map(|head| tails.iter().map(move |tail| head.iter().chain(tail).cloned().collect()))
                    .collect();
            }
        }
    }
    Ok(results)
}

fn matches_one(token: &Token, c: char) -> bool {
    match token {
        Token::Literal(l) => *l == c,
        Token::AnyOne => true,
        Token::Class { negated, ranges } => ranges.iter().any(|(lo, hi)| (*lo..=*hi).contains(&c)) != *negated,
        Token::AnyRun => false,
    }
}

/// Wildcard matching with backtracking to the last `*`: O(pattern × text).
fn match_flat(tokens: &[Token], text: &[char]) -> bool {
    let (mut t, mut s) = (0, 0);
    let mut resume: Option<(usize, usize)> = None;
    while s < text.len() {
        if tokens.get(t) == Some(&Token::AnyRun) {
            resume = Some((t, s));
            t += 1;
        } else if tokens.get(t).is_some_and(|token| matches_one(token, text[s])) {
            t += 1;
            s += 1;
        } else if let Some((star, from)) = resume {
            t = star + 1;
            s = from + 1;
            resume = Some((star, from + 1));
        } else {
            return false;
        }
    }
    tokens[t..].iter().all(|token| *token == Token::AnyRun)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matches(pattern: &str, text: &str) -> bool {
        Glob::new(pattern).unwrap().is_match(text)
    }

    #[test]
    fn stars_cross_directories_as_in_argo_cd() {
        assert!(matches("*.yaml", "a.yaml"));
        assert!(matches("*.yaml", "sub/a.yaml"));
        assert!(matches("**.yaml", "sub/a.yaml"));
        assert!(!matches("*.yaml", "a.yml"));
        assert!(matches("env-use2/*", "env-use2/a/b.json"));
        assert!(matches("*", ""));
    }

    #[test]
    fn braces_classes_and_escapes() {
        let glob = Glob::new("{config.yaml,env-*.yaml}").unwrap();
        assert!(glob.is_match("config.yaml") && glob.is_match("env-prod.yaml"));
        assert!(!glob.is_match("other.yaml"));
        assert!(matches("{a,b{c,d}}.yaml", "bd.yaml"));
        assert!(matches("{a,}x", "x"));
        assert!(matches("file-?.yaml", "file-1.yaml"));
        assert!(!matches("file-?.yaml", "file-10.yaml"));
        assert!(matches("[a-c]*.yaml", "b.yaml"));
        assert!(!matches("[!a-c]*.yaml", "b.yaml"));
        assert!(matches("[!a-c]*.yaml", "d.yaml"));
        assert!(matches("\\*.yaml", "*.yaml"));
        assert!(!matches("\\*.yaml", "a.yaml"));
        assert!(matches("a,b", "a,b"));
    }

    #[test]
    fn bad_patterns_are_reported() {
        for bad in ["{a,b", "[abc", "a}", "[]", "x\\", "[z-a]"] {
            assert!(Glob::new(bad).is_err(), "{bad}");
        }
        let many = "{a,b,c,d}".repeat(6);
        assert!(Glob::new(&many).is_err());
    }
}
