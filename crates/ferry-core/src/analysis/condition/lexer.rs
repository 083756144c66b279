//! Splits a condition into tokens, each with the column (1-based, in characters) it starts at.

use std::fmt;

use super::ParseError;

/// One token of a condition.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Token {
    Number(f64),
    Ident(String),
    /// `#`: the element inside an `all`/`any` predicate.
    Hash,
    LParen,
    RParen,
    LBracket,
    RBracket,
    LBrace,
    RBrace,
    Comma,
    Op(Op),
    End,
}

/// Operators, with `and`/`or`/`not` already mapped to `&&`/`||`/`!`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Op {
    Lt,
    Le,
    Gt,
    Ge,
    Eq,
    Ne,
    And,
    Or,
    Not,
    Add,
    Sub,
    Mul,
    Div,
}

impl Op {
    pub(crate) fn symbol(self) -> &'static str {
        match self {
            Op::Lt => "<",
            Op::Le => "<=",
            Op::Gt => ">",
            Op::Ge => ">=",
            Op::Eq => "==",
            Op::Ne => "!=",
            Op::And => "&&",
            Op::Or => "||",
            Op::Not => "!",
            Op::Add => "+",
            Op::Sub => "-",
            Op::Mul => "*",
            Op::Div => "/",
        }
    }
}

impl fmt::Display for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Token::Number(n) => write!(f, "number `{n}`"),
            Token::Ident(s) => write!(f, "`{s}`"),
            Token::Hash => write!(f, "`#`"),
            Token::LParen => write!(f, "`(`"),
            Token::RParen => write!(f, "`)`"),
            Token::LBracket => write!(f, "`[`"),
            Token::RBracket => write!(f, "`]`"),
            Token::LBrace => write!(f, "`{{`"),
            Token::RBrace => write!(f, "`}}`"),
            Token::Comma => write!(f, "`,`"),
            Token::Op(op) => write!(f, "`{}`", op.symbol()),
            Token::End => write!(f, "the end of the condition"),
        }
    }
}

/// A token and the column it starts at.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Spanned {
    pub token: Token,
    pub column: usize,
}

/// Tokenizes `text`; the last token is always [`Token::End`].
pub(crate) fn tokenize(text: &str) -> Result<Vec<Spanned>, ParseError> {
    let chars: Vec<char> = text.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let column = i + 1;
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        let (token, len) = if c.is_ascii_digit() || (c == '.' && chars.get(i + 1).is_some_and(char::is_ascii_digit)) {
            number(&chars[i..], column)?
        } else if c.is_alphabetic() || c == '_' {
            word(&chars[i..])
        } else {
            symbol(&chars[i..], column)?
        };
        tokens.push(Spanned { token, column });
        i += len;
    }
    tokens.push(Spanned { token: Token::End, column: chars.len() + 1 });
    Ok(tokens)
}

fn number(chars: &[char], column: usize) -> Result<(Token, usize), ParseError> {
    let mut len = chars.iter().take_while(|c| c.is_ascii_digit() || **c == '.').count();
    // An exponent: `1e-3`, `2E5`.
    if matches!(chars.get(len), Some('e' | 'E')) {
        let sign = usize::from(matches!(chars.get(len + 1), Some('+' | '-')));
        let digits = chars[len + 1 + sign..].iter().take_while(|c| c.is_ascii_digit()).count();
        if digits > 0 {
            len += 1 + sign + digits;
        }
    }
    let text: String = chars[..len].iter().collect();
    let value = text.parse::<f64>().map_err(|_| ParseError::new(column, "a number", format!("`{text}`")))?;
    Ok((Token::Number(value), len))
}

fn word(chars: &[char]) -> (Token, usize) {
    let len = chars.iter().take_while(|c| c.is_alphanumeric() || **c == '_').count();
    let text: String = chars[..len].iter().collect();
    let token = match text.as_str() {
        "and" => Token::Op(Op::And),
        "or" => Token::Op(Op::Or),
        "not" => Token::Op(Op::Not),
        _ => Token::Ident(text),
    };
    (token, len)
}

fn symbol(chars: &[char], column: usize) -> Result<(Token, usize), ParseError> {
    let next = chars.get(1).copied();
    let two = |op| Ok((Token::Op(op), 2));
    let one = |token| Ok((token, 1));
    match (chars[0], next) {
        ('<', Some('=')) => two(Op::Le),
        ('>', Some('=')) => two(Op::Ge),
        ('=', Some('=')) => two(Op::Eq),
        ('!', Some('=')) => two(Op::Ne),
        ('&', Some('&')) => two(Op::And),
        ('|', Some('|')) => two(Op::Or),
        ('<', _) => one(Token::Op(Op::Lt)),
        ('>', _) => one(Token::Op(Op::Gt)),
        ('!', _) => one(Token::Op(Op::Not)),
        ('+', _) => one(Token::Op(Op::Add)),
        ('-', _) => one(Token::Op(Op::Sub)),
        ('*', _) => one(Token::Op(Op::Mul)),
        ('/', _) => one(Token::Op(Op::Div)),
        ('#', _) => one(Token::Hash),
        ('(', _) => one(Token::LParen),
        (')', _) => one(Token::RParen),
        ('[', _) => one(Token::LBracket),
        (']', _) => one(Token::RBracket),
        ('{', _) => one(Token::LBrace),
        ('}', _) => one(Token::RBrace),
        (',', _) => one(Token::Comma),
        ('=', _) => Err(ParseError::new(column, "`==` (comparison)", "`=`")),
        (c, _) => Err(ParseError::new(
            column,
            "a number, `result`, a function, an operator or a parenthesis",
            format!("`{c}`"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<Token> {
        tokenize(text).unwrap().into_iter().map(|s| s.token).collect()
    }

    #[test]
    fn words_and_symbols() {
        assert_eq!(
            kinds("result[0] <= 1e-3 and not x"),
            vec![
                Token::Ident("result".into()),
                Token::LBracket,
                Token::Number(0.0),
                Token::RBracket,
                Token::Op(Op::Le),
                Token::Number(0.001),
                Token::Op(Op::And),
                Token::Op(Op::Not),
                Token::Ident("x".into()),
                Token::End,
            ]
        );
    }

    #[test]
    fn columns_count_characters() {
        let tokens = tokenize("  len(result)").unwrap();
        assert_eq!(tokens[0].column, 3);
        assert_eq!(tokens[1].column, 6);
    }

    #[test]
    fn single_equals_is_named() {
        let err = tokenize("result = 1").unwrap_err();
        assert_eq!(err.column, 8);
        assert!(err.to_string().contains("`==`"), "{err}");
    }

    #[test]
    fn stray_character() {
        let err = tokenize("result[0] < 5 ; x").unwrap_err();
        assert_eq!(err.column, 15);
    }
}
