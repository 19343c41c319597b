//! JSON strings: reading a string token's value, comparing two as
//! `JSON.parse` would, writing one as `JSON.stringify` does.

use super::{hex4, is_ws, JsonError};
use crate::prelude::*;

/// A string token's value (`raw`: the token, quotes included): borrowed
/// from `raw` when it has no escape, which is the common case of event names.
pub fn string_value(raw: &str) -> Result<alloc::borrow::Cow<'_, str>, JsonError> {
    match raw
        .get(1..raw.len().saturating_sub(1))
        .filter(|s| !s.contains('\\'))
    {
        Some(plain) => Ok(alloc::borrow::Cow::Borrowed(plain)),
        None => parse_string(raw).map(alloc::borrow::Cow::Owned),
    }
}

/// Reads `text` (surrounding whitespace allowed) as a JSON string and returns
/// it unescaped. `\uXXXX` escapes are decoded, surrogate pairs combined; a
/// lone surrogate is a [`JsonError::BadEscape`].
pub fn parse_string(text: &str) -> Result<String, JsonError> {
    let t = text.trim_matches(is_ws);
    let inner = t.strip_prefix('"').ok_or(match t.is_empty() {
        true => JsonError::UnexpectedEnd,
        false => JsonError::WrongKind,
    })?;
    let inner = inner.strip_suffix('"').ok_or(JsonError::UnexpectedEnd)?;
    let b = inner.as_bytes();
    let mut out = String::with_capacity(inner.len());
    let mut run = 0;
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        match c {
            b'"' => return Err(JsonError::TrailingData),
            0..=0x1f => return Err(JsonError::ControlChar),
            b'\\' => {
                out.push_str(inner.get(run..i).unwrap_or_default());
                let e = *b.get(i + 1).ok_or(JsonError::BadEscape)?;
                i += 2;
                let ch = match e {
                    b'"' => '"',
                    b'\\' => '\\',
                    b'/' => '/',
                    b'b' => '\u{8}',
                    b'f' => '\u{c}',
                    b'n' => '\n',
                    b'r' => '\r',
                    b't' => '\t',
                    b'u' => {
                        let hi = hex4(b, i).ok_or(JsonError::BadEscape)?;
                        i += 4;
                        let code = if (0xD800..0xDC00).contains(&hi) {
                            let lo = match (b.get(i), b.get(i + 1)) {
                                (Some(b'\\'), Some(b'u')) => hex4(b, i + 2),
                                _ => None,
                            };
                            match lo {
                                Some(lo @ 0xDC00..=0xDFFF) => {
                                    i += 6;
                                    0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)
                                }
                                _ => return Err(JsonError::BadEscape),
                            }
                        } else {
                            hi
                        };
                        char::from_u32(code).ok_or(JsonError::BadEscape)?
                    }
                    _ => return Err(JsonError::BadEscape),
                };
                out.push(ch);
                run = i;
            }
            _ => i += 1,
        }
    }
    out.push_str(inner.get(run..).unwrap_or_default());
    Ok(out)
}

/// Whether two string tokens (quotes included, valid JSON) hold the same
/// string as `JSON.parse` reads them: the same UTF-16 units, so that
/// `"a"` and `"\u0061"` are one key, and lone surrogates compare too.
pub fn same_string(a: &str, b: &str) -> bool {
    if !a.contains('\\') && !b.contains('\\') {
        return a == b;
    }
    match (utf16_units(a), utf16_units(b)) {
        (Some(a), Some(b)) => a == b,
        _ => false,
    }
}

/// The UTF-16 units of a string token (quotes included); `None` when it is
/// not a well-formed one. Over bytes, not `chars()`: one more caller of
/// `chars()`, even one the npm wasm drops (this), makes LLVM inline it
/// less there (+77 bytes).
pub(super) fn utf16_units(raw: &str) -> Option<Vec<u16>> {
    let b = raw.as_bytes().strip_prefix(b"\"")?.strip_suffix(b"\"")?;
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        let (unit, len) = match c {
            b'\\' => match *b.get(i + 1)? {
                b'"' => (0x22, 2),
                b'\\' => (0x5c, 2),
                b'/' => (0x2f, 2),
                b'b' => (0x08, 2),
                b'f' => (0x0c, 2),
                b'n' => (0x0a, 2),
                b'r' => (0x0d, 2),
                b't' => (0x09, 2),
                b'u' => (u16::try_from(hex4(b, i + 2)?).ok()?, 6),
                _ => return None,
            },
            0..=0x7f => (u16::from(c), 1),
            _ => {
                // A UTF-8 sequence (the text is a `str`): its length from
                // the lead byte, its bits from every byte.
                let len = match c {
                    0xc0..=0xdf => 2,
                    0xe0..=0xef => 3,
                    _ => 4,
                };
                let mut code = u32::from(c) & (0x7f >> len);
                for &k in b.get(i + 1..i + len)? {
                    code = (code << 6) | u32::from(k & 0x3f);
                }
                if let Some(high) = code.checked_sub(0x10000) {
                    out.push(0xd800 | (high >> 10) as u16);
                    (0xdc00 | (high & 0x3ff) as u16, len)
                } else {
                    (code as u16, len)
                }
            }
        };
        out.push(unit);
        i += len;
    }
    Some(out)
}

/// Appends `s` to `out` as a quoted JSON string (escaping `"`, `\` and
/// control characters, as `JSON.stringify` does).
pub fn write_string(out: &mut String, s: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.reserve(s.len() + 2);
    out.push('"');
    let mut run = 0;
    for (i, c) in s.bytes().enumerate() {
        let esc = match c {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0x08 => "\\b",
            0x0c => "\\f",
            0..=0x1f => "",
            _ => continue,
        };
        out.push_str(s.get(run..i).unwrap_or_default());
        run = i + 1;
        if esc.is_empty() {
            out.push_str("\\u00");
            out.push(char::from(HEX[usize::from(c >> 4)]));
            out.push(char::from(HEX[usize::from(c & 15)]));
        } else {
            out.push_str(esc);
        }
    }
    out.push_str(s.get(run..).unwrap_or_default());
    out.push('"');
}
