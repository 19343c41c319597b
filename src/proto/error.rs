//! Decode errors of the codecs (JSON scanner, Engine.IO, Socket.IO).

/// Why a JSON text was rejected by the scanner in [`crate::proto::json`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JsonError {
    /// The text ended inside a value.
    UnexpectedEnd,
    /// A character that cannot start or continue a value here.
    UnexpectedChar,
    /// Nesting deeper than the configured maximum depth.
    TooDeep,
    /// A malformed escape sequence in a string (`\x`, bad `\u`, lone surrogate).
    BadEscape,
    /// A raw control character (below U+0020) inside a string.
    ControlChar,
    /// A malformed number.
    BadNumber,
    /// Something other than whitespace after the value.
    TrailingData,
    /// The value is valid JSON but not of the expected kind.
    WrongKind,
    /// A number that is not an integer, is negative, or does not fit.
    NotAnInteger,
}

impl JsonError {
    /// A short, static description.
    pub fn as_str(self) -> &'static str {
        match self {
            JsonError::UnexpectedEnd => "JSON: unexpected end of text",
            JsonError::UnexpectedChar => "JSON: unexpected character",
            JsonError::TooDeep => "JSON: nested too deep",
            JsonError::BadEscape => "JSON: bad escape in string",
            JsonError::ControlChar => "JSON: control character in string",
            JsonError::BadNumber => "JSON: malformed number",
            JsonError::TrailingData => "JSON: trailing data after value",
            JsonError::WrongKind => "JSON: value of the wrong kind",
            JsonError::NotAnInteger => "JSON: not a non-negative integer",
        }
    }
}

/// Why an Engine.IO or Socket.IO frame was rejected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DecodeError {
    /// An empty frame or packet.
    Empty,
    /// The packet type is not a known one.
    UnknownType,
    /// Malformed base64 in a polling payload's binary packet.
    BadBase64,
    /// The Engine.IO OPEN handshake is missing a field or has a bad one.
    BadHandshake,
    /// The attachment count of a binary packet is malformed.
    BadAttachments,
    /// More attachments than [`crate::proto::Limits::max_attachments`].
    TooManyAttachments,
    /// The ack id is malformed or out of range.
    BadAckId,
    /// The JSON payload is not valid JSON.
    Json(JsonError),
    /// The payload is valid JSON but not allowed for this packet type.
    InvalidPayload,
    /// An event name is one of the reserved names (`connect`, ...).
    ReservedEventName,
    /// A binary frame arrived while no binary packet was waiting for it.
    UnexpectedBinary,
    /// A text packet arrived while a binary packet still waits for attachments.
    MissingAttachments,
    /// A placeholder refers to an attachment that does not exist.
    BadPlaceholder,
}

impl DecodeError {
    /// A short, static description.
    pub fn as_str(self) -> &'static str {
        match self {
            DecodeError::Empty => "empty packet",
            DecodeError::UnknownType => "unknown packet type",
            DecodeError::BadBase64 => "malformed base64",
            DecodeError::BadHandshake => "malformed handshake",
            DecodeError::BadAttachments => "illegal attachments",
            DecodeError::TooManyAttachments => "too many attachments",
            DecodeError::BadAckId => "malformed ack id",
            DecodeError::Json(e) => e.as_str(),
            DecodeError::InvalidPayload => "invalid payload",
            DecodeError::ReservedEventName => "reserved event name",
            DecodeError::UnexpectedBinary => "got binary data when not reconstructing a packet",
            DecodeError::MissingAttachments => "got plaintext data when reconstructing a packet",
            DecodeError::BadPlaceholder => "illegal attachments: bad placeholder",
        }
    }
}

impl core::fmt::Display for JsonError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl core::error::Error for JsonError {}

impl core::fmt::Display for DecodeError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl core::error::Error for DecodeError {}

impl From<JsonError> for DecodeError {
    fn from(e: JsonError) -> Self {
        DecodeError::Json(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prelude::*;

    #[test]
    fn descriptions_are_distinct_and_displayed() {
        use DecodeError::*;
        let all = [
            Empty,
            UnknownType,
            BadBase64,
            BadHandshake,
            BadAttachments,
            TooManyAttachments,
            BadAckId,
            Json(JsonError::TooDeep),
            InvalidPayload,
            ReservedEventName,
            UnexpectedBinary,
            MissingAttachments,
            BadPlaceholder,
        ];
        let mut seen: Vec<&str> = all.iter().map(|e| e.as_str()).collect();
        assert_eq!(
            Json(JsonError::TooDeep).to_string(),
            JsonError::TooDeep.as_str()
        );
        assert_eq!(BadAckId.to_string(), "malformed ack id");
        seen.sort_unstable();
        seen.dedup();
        assert_eq!(seen.len(), all.len());
        assert_eq!(
            DecodeError::from(JsonError::BadNumber),
            Json(JsonError::BadNumber)
        );
    }
}
