//! The rules of a packet's payload ([`check_body`]), checked in one pass
//! of the JSON scanner: kind per packet type, event name, nesting depth,
//! binary placeholders.

use super::super::error::DecodeError;
use super::super::json::{self, Event, Kind, Scanner};
use super::{Limits, PacketType, RESERVED_EVENTS};
use crate::prelude::*;

/// Validates the payload `body` of a packet of `kind` with `attachments`:
/// present where the Socket.IO v5 spec says it MUST be (EVENT, ACK,
/// CONNECT_ERROR) and absent from DISCONNECT; the root's kind per packet
/// type; a first element that is a number or a non-reserved string for
/// events; placeholder indexes below the attachment count; and, as this
/// scanner's own bound, nesting depth ([`Limits::max_depth`]).
pub fn check_body(
    kind: PacketType,
    body: &str,
    limits: &Limits,
    attachments: usize,
) -> Result<(), DecodeError> {
    if body.is_empty() {
        return match kind {
            PacketType::Connect | PacketType::Disconnect => Ok(()),
            _ => Err(DecodeError::InvalidPayload),
        };
    }
    check_payload(kind, body, limits, attachments)
}

/// Whether the first element of the JSON array `data` is a reserved event
/// name (a prefix test, for `JSON.stringify` output).
pub fn is_reserved(data: &str) -> bool {
    let Some(rest) = data.trim_start().strip_prefix('[') else {
        return false;
    };
    let Some(rest) = rest.trim_start().strip_prefix('"') else {
        return false;
    };
    RESERVED_EVENTS.iter().any(|name| {
        rest.strip_prefix(name)
            .is_some_and(|after| after.starts_with('"'))
    })
}

/// Per open container while checking placeholders.
#[derive(Default)]
struct Level<'a> {
    object: bool,
    /// The last `_placeholder` member is `true`.
    placeholder: bool,
    /// The last `num` member is an integer below the attachment count.
    num_ok: bool,
    /// Which member the next value belongs to: 0 other, 1 `_placeholder`, 2 `num`.
    key: u8,
    /// The key token of the member being read.
    member: &'a str,
    /// The keys of the members whose value holds a bad placeholder. A later
    /// member with the same key drops its key from here: `JSON.parse` keeps
    /// only the last value of a repeated key, and a placeholder it never
    /// reconstructs is no error (as in socket.io-parser and js/codec.ts).
    bad_members: Vec<&'a str>,
    /// An element holds a bad placeholder (arrays have no repeated keys).
    bad_element: bool,
}

impl Level<'_> {
    /// Whether this container, just closed, holds a bad placeholder, or is one.
    fn bad(&self) -> bool {
        self.bad_element
            || !self.bad_members.is_empty()
            || (self.object && self.placeholder && !self.num_ok)
    }
}

fn key_is(raw: &str, quoted: &str) -> bool {
    raw == quoted
        || (raw.contains('\\')
            && json::parse_string(raw)
                .is_ok_and(|k| Some(k.as_str()) == quoted.get(1..quoted.len() - 1)))
}

/// A JSON number whose value is an integer below `n` ([`json::parse_count`]).
fn index_below(raw: &str, n: usize) -> bool {
    json::parse_count(raw).is_ok_and(|v| v < n as u64)
}

/// Validates a payload for `kind` as socket.io-parser's `isPayloadValid`,
/// plus JSON depth and, for binary packets, placeholder indexes, in one pass.
fn check_payload(
    kind: PacketType,
    text: &str,
    limits: &Limits,
    attachments: usize,
) -> Result<(), DecodeError> {
    let mut s = Scanner::new(text, limits.max_depth);
    let root = s
        .next_token()?
        .ok_or(DecodeError::Json(json::JsonError::UnexpectedEnd))?;
    let root_ok = match kind {
        PacketType::Connect => root.kind == Kind::Object,
        PacketType::Disconnect => false,
        PacketType::ConnectError => matches!(root.kind, Kind::Object | Kind::String),
        _ => root.kind == Kind::Array,
    };
    if !root_ok {
        return Err(DecodeError::InvalidPayload);
    }
    let mut name_pending = kind.is_event();
    let mut levels: Vec<Level<'_>> = Vec::new();
    let mut token = Some(root);
    while let Some(t) = token {
        if !name_pending && attachments == 0 {
            // Nothing left to look at but validity (depth, syntax, trailing
            // data): scan on without slicing each token (the receive path's
            // hot loop).
            s.finish()?;
            return Ok(());
        }
        let raw = json::slice(text, t.range())?;
        if name_pending && t.event != Event::Begin {
            // the token after the root `[`: the event name
            name_pending = false;
            match (t.event, t.kind) {
                (Event::Scalar, Kind::Number) => {}
                (Event::Scalar, Kind::String) => {
                    // A name with a lone surrogate escape is valid JSON but
                    // cannot be a Rust string: reject it so that every decoded
                    // event has a name `event_name` can read.
                    if RESERVED_EVENTS.contains(&&*json::string_value(raw)?) {
                        return Err(DecodeError::ReservedEventName);
                    }
                }
                _ => return Err(DecodeError::InvalidPayload),
            }
        } else if name_pending && s.depth() > 1 {
            return Err(DecodeError::InvalidPayload);
        }
        if attachments > 0 {
            if let (Event::Begin | Event::Scalar, Some(top)) = (t.event, levels.last_mut()) {
                let scalar = t.event == Event::Scalar;
                match top.key {
                    1 => top.placeholder = scalar && raw == "true",
                    2 => top.num_ok = scalar && index_below(raw, attachments),
                    _ => {}
                }
                top.key = 0;
            }
            match t.event {
                Event::Begin => levels.push(Level {
                    object: t.kind == Kind::Object,
                    ..Level::default()
                }),
                Event::Key => {
                    if let Some(top) = levels.last_mut() {
                        if !top.bad_members.is_empty() {
                            top.bad_members.retain(|k| !json::same_string(k, raw));
                        }
                        top.member = raw;
                        top.key = if key_is(raw, "\"_placeholder\"") {
                            1
                        } else if key_is(raw, "\"num\"") {
                            2
                        } else {
                            0
                        };
                    }
                }
                Event::End => {
                    if levels.pop().is_some_and(|l| l.bad()) {
                        // Known bad once the root is: until then a later
                        // member of the same key may replace the value.
                        match levels.last_mut() {
                            Some(parent) if parent.object => parent.bad_members.push(parent.member),
                            Some(parent) => parent.bad_element = true,
                            None => return Err(DecodeError::BadPlaceholder),
                        }
                    }
                }
                Event::Scalar => {}
            }
        }
        token = s.next_token()?;
    }
    Ok(())
}
