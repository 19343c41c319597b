//! A minimal, iterative JSON scanner over `&str`.
//!
//! Payloads stay opaque text in the core: this module only validates JSON,
//! locates values by byte range and reads the few scalars the protocol needs
//! (strings, non-negative integers). It never recurses on input data: the
//! [`Scanner`] is a pull tokenizer whose only state is a stack of container
//! kinds, bounded by a caller-supplied maximum depth. Every function is total:
//! bad input yields a [`JsonError`], never a panic.
//!
//! The grammar is RFC 8259's, as `JSON.parse` accepts it (whitespace is space,
//! tab, LF and CR; lone UTF-16 surrogates in `\u` escapes are valid JSON, but
//! [`parse_string`] rejects them since a Rust `String` cannot hold them).

pub use super::error::JsonError;
use crate::prelude::*;
use core::ops::Range;

mod strings;
use strings::utf16_units;
pub use strings::{parse_string, same_string, string_value, write_string};

/// The default maximum nesting depth accepted by the scanner.
pub const DEFAULT_MAX_DEPTH: usize = 128;

/// The kind of a JSON value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `{...}`
    Object,
    /// `[...]`
    Array,
    /// `"..."`
    String,
    /// A number.
    Number,
    /// `true` or `false`.
    Bool,
    /// `null`.
    Null,
}

/// What a [`Token`] marks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    /// The opening `{` or `[` of a container.
    Begin,
    /// The closing `}` or `]` of a container.
    End,
    /// An object member's key (a string, quotes included in the range).
    Key,
    /// A string, number, boolean or null value.
    Scalar,
}

/// One token produced by the [`Scanner`]: byte offsets into the scanned text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    /// What the token marks.
    pub event: Event,
    /// The kind of the value (for [`Event::Key`]: [`Kind::String`]).
    pub kind: Kind,
    /// Offset of the token's first byte.
    pub start: usize,
    /// Offset just past the token's last byte.
    pub end: usize,
}

impl Token {
    /// The token's byte range.
    pub fn range(&self) -> Range<usize> {
        self.start..self.end
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// A value is expected.
    Value,
    /// Just after `[`: a value or `]`.
    FirstElem,
    /// Just after `{`: a key or `}`.
    FirstKey,
    /// After `,` in an object: a key.
    Key,
    /// After a value: `,`, a closer, or the end of the text.
    After,
    /// The top-level value is complete: only whitespace may follow.
    Done,
}

/// A pull tokenizer that validates one JSON value as it goes.
///
/// Call [`Scanner::next_token`] until it returns `Ok(None)` (the text was one
/// complete, valid value) or an error. Nesting is tracked on a heap stack
/// bounded by `max_depth`, so arbitrarily deep input cannot overflow the call
/// stack.
#[derive(Debug, Clone)]
pub struct Scanner<'a> {
    bytes: &'a [u8],
    pos: usize,
    /// One entry per open container: `true` for an object.
    stack: Vec<bool>,
    max_depth: usize,
    state: State,
}

impl<'a> Scanner<'a> {
    /// A scanner over `text` accepting at most `max_depth` nested containers.
    pub fn new(text: &'a str, max_depth: usize) -> Self {
        Scanner {
            bytes: text.as_bytes(),
            pos: 0,
            stack: Vec::new(),
            max_depth,
            state: State::Value,
        }
    }

    /// The number of containers currently open.
    pub fn depth(&self) -> usize {
        self.stack.len()
    }

    /// The next token, `Ok(None)` at the end of a complete value.
    pub fn next_token(&mut self) -> Result<Option<Token>, JsonError> {
        loop {
            self.skip_ws();
            let c = self.peek();
            match self.state {
                State::Done => {
                    return match c {
                        None => Ok(None),
                        Some(_) => Err(JsonError::TrailingData),
                    }
                }
                State::After => {
                    let Some(&is_obj) = self.stack.last() else {
                        self.state = State::Done;
                        continue;
                    };
                    match c {
                        Some(b',') => {
                            self.pos += 1;
                            self.state = if is_obj { State::Key } else { State::Value };
                        }
                        Some(b'}') if is_obj => return Ok(Some(self.close(Kind::Object))),
                        Some(b']') if !is_obj => return Ok(Some(self.close(Kind::Array))),
                        other => return Err(unexpected(other)),
                    }
                }
                State::FirstElem => {
                    if c == Some(b']') {
                        return Ok(Some(self.close(Kind::Array)));
                    }
                    self.state = State::Value;
                }
                State::FirstKey => {
                    if c == Some(b'}') {
                        return Ok(Some(self.close(Kind::Object)));
                    }
                    self.state = State::Key;
                }
                State::Key => {
                    if c != Some(b'"') {
                        return Err(unexpected(c));
                    }
                    let start = self.pos;
                    self.scan_string()?;
                    let end = self.pos;
                    self.skip_ws();
                    match self.peek() {
                        Some(b':') => self.pos += 1,
                        other => return Err(unexpected(other)),
                    }
                    self.state = State::Value;
                    return Ok(Some(Token {
                        event: Event::Key,
                        kind: Kind::String,
                        start,
                        end,
                    }));
                }
                State::Value => return self.value(c).map(Some),
            }
        }
    }

    /// Validates the rest of the text exactly as calling
    /// [`Scanner::next_token`] until `Ok(None)` would, without producing
    /// tokens: the receive path needs nothing but validity once it has read
    /// the event name, and a token per value costs more than the checking.
    pub fn finish(&mut self) -> Result<(), JsonError> {
        loop {
            self.skip_ws();
            let c = self.peek();
            match (self.state, c) {
                (State::Done, None) => return Ok(()),
                (State::Done, Some(_)) => return Err(JsonError::TrailingData),
                (State::After, _) => match (self.stack.last(), c) {
                    (None, _) => self.state = State::Done,
                    (Some(&object), Some(b',')) => {
                        self.pos += 1;
                        self.state = if object { State::Key } else { State::Value };
                    }
                    (Some(true), Some(b'}')) | (Some(false), Some(b']')) => {
                        self.pos += 1;
                        self.stack.pop();
                    }
                    (_, other) => return Err(unexpected(other)),
                },
                (State::FirstElem, Some(b']')) | (State::FirstKey, Some(b'}')) => {
                    self.pos += 1;
                    self.stack.pop();
                    self.state = State::After;
                }
                (State::FirstElem, _) => self.state = State::Value,
                (State::FirstKey | State::Key, _) => {
                    if c != Some(b'"') {
                        return Err(unexpected(c));
                    }
                    self.scan_string()?;
                    self.skip_ws();
                    match self.peek() {
                        Some(b':') => self.pos += 1,
                        other => return Err(unexpected(other)),
                    }
                    self.state = State::Value;
                }
                (State::Value, _) => {
                    self.value(c)?;
                }
            }
        }
    }

    fn value(&mut self, c: Option<u8>) -> Result<Token, JsonError> {
        let start = self.pos;
        let kind = match c {
            Some(open @ (b'{' | b'[')) => {
                if self.stack.len() >= self.max_depth {
                    return Err(JsonError::TooDeep);
                }
                let obj = open == b'{';
                self.stack.push(obj);
                self.pos += 1;
                self.state = if obj {
                    State::FirstKey
                } else {
                    State::FirstElem
                };
                return Ok(Token {
                    event: Event::Begin,
                    kind: if obj { Kind::Object } else { Kind::Array },
                    start,
                    end: self.pos,
                });
            }
            Some(b'"') => {
                self.scan_string()?;
                Kind::String
            }
            Some(b'-' | b'0'..=b'9') => {
                self.scan_number()?;
                Kind::Number
            }
            Some(b't') => {
                self.literal(b"true")?;
                Kind::Bool
            }
            Some(b'f') => {
                self.literal(b"false")?;
                Kind::Bool
            }
            Some(b'n') => {
                self.literal(b"null")?;
                Kind::Null
            }
            other => return Err(unexpected(other)),
        };
        self.state = State::After;
        Ok(Token {
            event: Event::Scalar,
            kind,
            start,
            end: self.pos,
        })
    }

    fn close(&mut self, kind: Kind) -> Token {
        let start = self.pos;
        self.pos += 1;
        self.stack.pop();
        self.state = State::After;
        Token {
            event: Event::End,
            kind,
            start,
            end: self.pos,
        }
    }

    #[inline(always)]
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    #[inline(always)]
    fn skip_ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.pos += 1;
        }
    }

    fn literal(&mut self, word: &[u8]) -> Result<(), JsonError> {
        let rest = self.bytes.get(self.pos..).unwrap_or_default();
        if rest.starts_with(word) {
            self.pos += word.len();
            Ok(())
        } else if word.starts_with(rest) {
            Err(JsonError::UnexpectedEnd)
        } else {
            Err(JsonError::UnexpectedChar)
        }
    }

    /// Scans a string starting at its opening quote, leaving `pos` past the
    /// closing quote.
    fn scan_string(&mut self) -> Result<(), JsonError> {
        self.pos += 1;
        loop {
            // Skip plain characters in one tight loop (payload strings are
            // long and mostly plain; this is the receive path's hot spot).
            self.pos += plain_run(self.bytes.get(self.pos..).unwrap_or_default());
            let Some(b) = self.peek() else {
                return Err(JsonError::UnexpectedEnd);
            };
            self.pos += 1;
            match b {
                b'"' => return Ok(()),
                b'\\' => {
                    let Some(e) = self.peek() else {
                        return Err(JsonError::UnexpectedEnd);
                    };
                    self.pos += 1;
                    match e {
                        b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => {}
                        b'u' => {
                            hex4(self.bytes, self.pos).ok_or(JsonError::BadEscape)?;
                            self.pos += 4;
                        }
                        _ => return Err(JsonError::BadEscape),
                    }
                }
                0..=0x1f => return Err(JsonError::ControlChar),
                _ => {}
            }
        }
    }

    fn digits(&mut self) -> usize {
        let start = self.pos;
        while let Some(b'0'..=b'9') = self.peek() {
            self.pos += 1;
        }
        self.pos - start
    }

    fn scan_number(&mut self) -> Result<(), JsonError> {
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        match self.peek() {
            Some(b'0') => self.pos += 1,
            Some(b'1'..=b'9') => {
                self.digits();
            }
            _ => return Err(JsonError::BadNumber),
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            if self.digits() == 0 {
                return Err(JsonError::BadNumber);
            }
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.pos += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.pos += 1;
            }
            if self.digits() == 0 {
                return Err(JsonError::BadNumber);
            }
        }
        Ok(())
    }
}

fn unexpected(c: Option<u8>) -> JsonError {
    match c {
        None => JsonError::UnexpectedEnd,
        Some(_) => JsonError::UnexpectedChar,
    }
}

/// Reads four hex digits at `pos`.
/// How many bytes at the start of `bytes` need no attention inside a string
/// (not `"`, `\\`, or a control character). Eight bytes at a time (SWAR):
/// payload strings are long and mostly plain, and this loop is the receive
/// path's hot spot.
fn plain_run(bytes: &[u8]) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    /// Whether some byte of `v` is below `n` (`n <= 128`; exact).
    fn any_below(v: u64, n: u8) -> bool {
        (v.wrapping_sub(ONES * u64::from(n)) & !v & HIGH) != 0
    }
    let mut done = 0;
    for chunk in bytes.chunks_exact(8) {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let v = u64::from_le_bytes(word);
        // A byte equal to c is a zero byte of v ^ c: "below 1".
        if any_below(v ^ (ONES * u64::from(b'"')), 1)
            || any_below(v ^ (ONES * u64::from(b'\\')), 1)
            || any_below(v, 0x20)
        {
            break;
        }
        done += 8;
    }
    let rest = bytes.get(done..).unwrap_or_default();
    done + rest
        .iter()
        .position(|&b| b == b'"' || b == b'\\' || b < 0x20)
        .unwrap_or(rest.len())
}

fn hex4(bytes: &[u8], pos: usize) -> Option<u32> {
    let quad = bytes.get(pos..)?.get(..4)?;
    let mut v = 0u32;
    for &c in quad {
        let d = match c {
            b'0'..=b'9' => c - b'0',
            b'a'..=b'f' => c - b'a' + 10,
            b'A'..=b'F' => c - b'A' + 10,
            _ => return None,
        };
        v = (v << 4) | u32::from(d);
    }
    Some(v)
}

fn is_ws(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r')
}

/// Validates that `text` is exactly one JSON value (surrounding whitespace
/// allowed), nested at most `max_depth` deep, and returns its kind.
pub fn validate(text: &str, max_depth: usize) -> Result<Kind, JsonError> {
    let mut s = Scanner::new(text, max_depth);
    let first = s.next_token()?.ok_or(JsonError::UnexpectedEnd)?;
    s.finish()?;
    Ok(first.kind)
}

/// Returns the byte ranges (into `text`) of the top-level elements of the
/// JSON array `text`, after validating the whole text.
pub fn array_elements(text: &str, max_depth: usize) -> Result<Vec<Range<usize>>, JsonError> {
    let mut s = Scanner::new(text, max_depth);
    let root = s.next_token()?.ok_or(JsonError::UnexpectedEnd)?;
    if root.kind != Kind::Array {
        return Err(JsonError::WrongKind);
    }
    let mut out = Vec::new();
    let mut start = 0;
    while let Some(t) = s.next_token()? {
        match (t.event, s.depth()) {
            (Event::Begin, 2) => start = t.start,
            (Event::Scalar, 1) => out.push(t.range()),
            (Event::End, 1) => out.push(start..t.end),
            _ => {}
        }
    }
    Ok(out)
}

/// Returns the members of the JSON object `text` (after validating the whole
/// text): each unescaped key with the byte range of its value, in order.
/// Duplicate keys are all returned; as with `JSON.parse`, callers that
/// overwrite in order make the last one win. A lone surrogate in a key,
/// which a Rust string cannot hold, is read as U+FFFD: `JSON.parse` keeps
/// such a member, and the protocol reads no such key, so it must not make the
/// whole object unreadable (`{"\ud800":1,"sid":"a"}` has a `sid`).
pub fn object_members(
    text: &str,
    max_depth: usize,
) -> Result<Vec<(String, Range<usize>)>, JsonError> {
    let mut s = Scanner::new(text, max_depth);
    let root = s.next_token()?.ok_or(JsonError::UnexpectedEnd)?;
    if root.kind != Kind::Object {
        return Err(JsonError::WrongKind);
    }
    let mut out = Vec::new();
    let mut key = String::new();
    let mut start = 0;
    while let Some(t) = s.next_token()? {
        match (t.event, s.depth()) {
            (Event::Key, 1) => {
                let raw = slice(text, t.range())?;
                key = match parse_string(raw) {
                    Ok(key) => key,
                    Err(_) => {
                        String::from_utf16_lossy(&utf16_units(raw).ok_or(JsonError::BadEscape)?)
                    }
                };
            }
            (Event::Begin, 2) => start = t.start,
            (Event::Scalar, 1) => out.push((core::mem::take(&mut key), t.range())),
            (Event::End, 1) => out.push((core::mem::take(&mut key), start..t.end)),
            _ => {}
        }
    }
    Ok(out)
}

/// `text[range]`, as an error instead of a panic if the range is bad.
pub fn slice(text: &str, range: Range<usize>) -> Result<&str, JsonError> {
    text.get(range).ok_or(JsonError::UnexpectedEnd)
}

/// The largest integer a number read by `JSON.parse` holds exactly: 2^53 − 1.
pub const MAX_SAFE_INTEGER: u64 = (1 << 53) - 1;

/// Reads `text` (surrounding whitespace allowed) as a JSON number whose
/// value is a non-negative integer of at most [`MAX_SAFE_INTEGER`], in any
/// spelling (`25000`, `2.5e4`, `25000.0`): what a JS runtime sees after
/// `JSON.parse`, so both runtimes read the same numbers.
pub fn parse_count(text: &str) -> Result<u64, JsonError> {
    if validate(text, 0)? != Kind::Number {
        return Err(JsonError::WrongKind);
    }
    let v: f64 = text
        .trim_matches(is_ws)
        .parse()
        .map_err(|_| JsonError::NotAnInteger)?;
    let n = v as u64;
    // `as` saturates: an integer in range comes back exactly, nothing else.
    if v >= 0.0 && n as f64 == v && n <= MAX_SAFE_INTEGER {
        Ok(n)
    } else {
        Err(JsonError::NotAnInteger)
    }
}

/// Appends the decimal digits of `n` to `out`.
pub fn write_u64(out: &mut String, n: u64) {
    // Last digit first, into a buffer (a u64 has at most 20): dividing by
    // the constant 10 only, so no division-by-zero check and its message.
    let mut digits = [0u8; 20];
    let mut len = 0;
    let mut n = n;
    for slot in digits.iter_mut() {
        *slot = b'0' + (n % 10) as u8;
        len += 1;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    for d in digits.iter().take(len).rev() {
        out.push(char::from(*d));
    }
}

#[cfg(test)]
mod tests;
