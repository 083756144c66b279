//! Parses tokens into an expression tree, by precedence from loosest to tightest:
//! `||` · `&&` · comparisons (`<` `<=` `>` `>=` `==` `!=`, not chained) · `+ -` · `* /` ·
//! unary `!` `-` · indexing `x[i]` · literals, `result`, `#`, calls and parentheses.

use super::ParseError;
use super::lexer::{Op, Spanned, Token};

/// Nesting deeper than this is refused, so evaluation's recursion stays small.
pub(crate) const MAX_DEPTH: usize = 32;

/// The functions a condition may call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Func {
    Len,
    IsNaN,
    IsInf,
    All,
    Any,
}

impl Func {
    fn from_name(name: &str) -> Option<Func> {
        Some(match name {
            "len" => Func::Len,
            "isNaN" => Func::IsNaN,
            "isInf" => Func::IsInf,
            "all" => Func::All,
            "any" => Func::Any,
            _ => return None,
        })
    }

    pub(crate) fn name(self) -> &'static str {
        match self {
            Func::Len => "len",
            Func::IsNaN => "isNaN",
            Func::IsInf => "isInf",
            Func::All => "all",
            Func::Any => "any",
        }
    }

    /// `all` and `any` take a vector and a predicate `{...}`; the others one value.
    fn takes_predicate(self) -> bool {
        matches!(self, Func::All | Func::Any)
    }
}

/// An expression tree.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Expr {
    Number(f64),
    Bool(bool),
    /// `result`: the query result.
    Result,
    /// `#`: the element inside an `all`/`any` predicate.
    Element,
    /// `[1, 2]`, `[]`.
    List(Vec<Expr>),
    Index(Box<Expr>, Box<Expr>),
    Unary(Op, Box<Expr>),
    Binary(Op, Box<Expr>, Box<Expr>),
    Call(Func, Vec<Expr>),
    /// `all(vector, {predicate})` / `any(...)`.
    Quantifier(Func, Box<Expr>, Box<Expr>),
}

/// Parses a whole condition.
pub(crate) fn parse(tokens: &[Spanned]) -> Result<Expr, ParseError> {
    let mut parser = Parser { tokens, pos: 0, depth: 0, predicates: 0 };
    let expr = parser.expr()?;
    match parser.peek() {
        Token::End => Ok(expr),
        _ => Err(parser.unexpected("an operator such as `&&`, `||`, `<`, or the end of the condition")),
    }
}

struct Parser<'a> {
    tokens: &'a [Spanned],
    pos: usize,
    depth: usize,
    /// How many `{...}` predicates enclose the current position (`#` is valid inside one).
    predicates: usize,
}

impl Parser<'_> {
    fn peek(&self) -> &Token {
        &self.tokens[self.pos].token
    }

    fn column(&self) -> usize {
        self.tokens[self.pos].column
    }

    fn advance(&mut self) -> Token {
        let token = self.tokens[self.pos].token.clone();
        if !matches!(token, Token::End) {
            self.pos += 1;
        }
        token
    }

    fn unexpected(&self, expected: &str) -> ParseError {
        ParseError::new(self.column(), expected, self.peek().to_string())
    }

    fn expect(&mut self, token: &Token, expected: &str) -> Result<(), ParseError> {
        if self.peek() == token {
            self.advance();
            Ok(())
        } else {
            Err(self.unexpected(expected))
        }
    }

    fn enter(&mut self) -> Result<(), ParseError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(ParseError::new(
                self.column(),
                &format!("at most {MAX_DEPTH} levels of nesting"),
                "deeper nesting".to_owned(),
            ));
        }
        Ok(())
    }

    fn expr(&mut self) -> Result<Expr, ParseError> {
        self.enter()?;
        let expr = self.binary_level(0);
        self.depth -= 1;
        expr
    }

    /// One precedence level of left-associative binary operators; comparisons do not chain.
    fn binary_level(&mut self, level: usize) -> Result<Expr, ParseError> {
        const LEVELS: &[&[Op]] = &[
            &[Op::Or],
            &[Op::And],
            &[Op::Lt, Op::Le, Op::Gt, Op::Ge, Op::Eq, Op::Ne],
            &[Op::Add, Op::Sub],
            &[Op::Mul, Op::Div],
        ];
        let Some(ops) = LEVELS.get(level) else {
            return self.unary();
        };
        let mut left = self.binary_level(level + 1)?;
        while let Token::Op(op) = *self.peek() {
            if !ops.contains(&op) {
                break;
            }
            self.advance();
            let right = self.binary_level(level + 1)?;
            left = Expr::Binary(op, Box::new(left), Box::new(right));
            if level == 2 {
                break;
            }
        }
        Ok(left)
    }

    fn unary(&mut self) -> Result<Expr, ParseError> {
        if let Token::Op(op @ (Op::Not | Op::Sub)) = *self.peek() {
            self.advance();
            self.enter()?;
            let operand = self.unary();
            self.depth -= 1;
            return Ok(Expr::Unary(op, Box::new(operand?)));
        }
        self.postfix()
    }

    fn postfix(&mut self) -> Result<Expr, ParseError> {
        let mut expr = self.primary()?;
        while matches!(self.peek(), Token::LBracket) {
            self.advance();
            let index = self.expr()?;
            self.expect(&Token::RBracket, "`]`")?;
            expr = Expr::Index(Box::new(expr), Box::new(index));
        }
        Ok(expr)
    }

    fn primary(&mut self) -> Result<Expr, ParseError> {
        const EXPECTED: &str =
            "a number, `result`, `true`, `false`, `[`, `(` or a function (len, isNaN, isInf, all, any)";
        let column = self.column();
        match self.peek().clone() {
            Token::Number(n) => {
                self.advance();
                Ok(Expr::Number(n))
            }
            Token::Hash if self.predicates > 0 => {
                self.advance();
                Ok(Expr::Element)
            }
            Token::Hash => Err(self.unexpected("`#` only inside the `{...}` of all() or any()")),
            Token::LParen => {
                self.advance();
                let inner = self.expr()?;
                self.expect(&Token::RParen, "`)`")?;
                Ok(inner)
            }
            Token::LBracket => self.list(),
            Token::Ident(name) => {
                self.advance();
                match name.as_str() {
                    "result" => Ok(Expr::Result),
                    "true" => Ok(Expr::Bool(true)),
                    "false" => Ok(Expr::Bool(false)),
                    _ => match Func::from_name(&name) {
                        Some(func) => self.call(func),
                        None => Err(ParseError::new(column, EXPECTED, format!("`{name}`"))),
                    },
                }
            }
            _ => Err(self.unexpected(EXPECTED)),
        }
    }

    fn list(&mut self) -> Result<Expr, ParseError> {
        self.advance();
        let mut items = Vec::new();
        if matches!(self.peek(), Token::RBracket) {
            self.advance();
            return Ok(Expr::List(items));
        }
        loop {
            items.push(self.expr()?);
            match self.advance_if_any(&[Token::Comma, Token::RBracket]) {
                Some(Token::Comma) => continue,
                Some(_) => return Ok(Expr::List(items)),
                None => return Err(self.unexpected("`,` or `]`")),
            }
        }
    }

    fn advance_if_any(&mut self, tokens: &[Token]) -> Option<Token> {
        tokens.contains(self.peek()).then(|| self.advance())
    }

    fn call(&mut self, func: Func) -> Result<Expr, ParseError> {
        self.expect(&Token::LParen, &format!("`(` after `{}`", func.name()))?;
        let subject = self.expr()?;
        if !func.takes_predicate() {
            self.expect(&Token::RParen, "`)`")?;
            return Ok(Expr::Call(func, vec![subject]));
        }
        self.expect(&Token::Comma, &format!("`,` and a predicate such as `{{# < 0.05}}` in `{}`", func.name()))?;
        self.expect(&Token::LBrace, "`{` starting a predicate such as `{# < 0.05}`")?;
        self.predicates += 1;
        let predicate = self.expr();
        self.predicates -= 1;
        let predicate = predicate?;
        self.expect(&Token::RBrace, "`}`")?;
        self.expect(&Token::RParen, "`)`")?;
        Ok(Expr::Quantifier(func, Box::new(subject), Box::new(predicate)))
    }
}
