use super::*;

fn v(s: &str) -> Result<Kind, JsonError> {
    validate(s, DEFAULT_MAX_DEPTH)
}

#[test]
fn validates_values() {
    assert_eq!(
        v(" {\"a\":[1,-2.5e+3,true,false,null,\"x\"]} "),
        Ok(Kind::Object)
    );
    assert_eq!(v("[]"), Ok(Kind::Array));
    assert_eq!(v("{}"), Ok(Kind::Object));
    assert_eq!(v("\"\\u00e9\\n\""), Ok(Kind::String));
    assert_eq!(v("0"), Ok(Kind::Number));
    assert_eq!(v("null"), Ok(Kind::Null));
    // lone surrogates are valid JSON (JSON.parse accepts them)
    assert_eq!(v("\"\\ud800\""), Ok(Kind::String));
}

#[test]
fn rejects_malformed() {
    assert_eq!(v(""), Err(JsonError::UnexpectedEnd));
    assert_eq!(v("   "), Err(JsonError::UnexpectedEnd));
    assert_eq!(v("[1,]"), Err(JsonError::UnexpectedChar));
    assert_eq!(v("[1 2]"), Err(JsonError::UnexpectedChar));
    assert_eq!(v("{\"a\" 1}"), Err(JsonError::UnexpectedChar));
    assert_eq!(v("{1:1}"), Err(JsonError::UnexpectedChar));
    assert_eq!(v("{\"a\":1,}"), Err(JsonError::UnexpectedChar));
    assert_eq!(v("[1}"), Err(JsonError::UnexpectedChar));
    assert_eq!(v("{\"a\":1]"), Err(JsonError::UnexpectedChar));
    assert_eq!(v("[1"), Err(JsonError::UnexpectedEnd));
    assert_eq!(v("[1] x"), Err(JsonError::TrailingData));
    assert_eq!(v("1 2"), Err(JsonError::TrailingData));
    assert_eq!(v("tru"), Err(JsonError::UnexpectedEnd));
    assert_eq!(v("trux"), Err(JsonError::UnexpectedChar));
    assert_eq!(v("\"abc"), Err(JsonError::UnexpectedEnd));
    assert_eq!(v("\"a\\x\""), Err(JsonError::BadEscape));
    assert_eq!(v("\"a\\u12g4\""), Err(JsonError::BadEscape));
    assert_eq!(v("\"a\\u12\""), Err(JsonError::BadEscape));
    assert_eq!(v("\"a\nb\""), Err(JsonError::ControlChar));
    assert_eq!(v("01"), Err(JsonError::TrailingData));
    assert_eq!(v("-"), Err(JsonError::BadNumber));
    assert_eq!(v("1."), Err(JsonError::BadNumber));
    assert_eq!(v("1e"), Err(JsonError::BadNumber));
    assert_eq!(v("+1"), Err(JsonError::UnexpectedChar));
    assert_eq!(v(".5"), Err(JsonError::UnexpectedChar));
}

#[test]
fn depth_limit() {
    assert_eq!(validate("[[[]]]", 3), Ok(Kind::Array));
    assert_eq!(validate("[[[]]]", 2), Err(JsonError::TooDeep));
    assert_eq!(validate("1", 0), Ok(Kind::Number));
    assert_eq!(validate("{}", 0), Err(JsonError::TooDeep));
    let deep = "[".repeat(100_000) + &"]".repeat(100_000);
    assert_eq!(v(&deep), Err(JsonError::TooDeep));
    assert_eq!(validate(&deep, 100_000), Ok(Kind::Array));
    assert_eq!(validate(&deep, 99_999), Err(JsonError::TooDeep));
}

#[test]
fn elements_and_members() {
    let t = r#"[ "a", {"b":[1]} , 3 ]"#;
    let r = array_elements(t, 8).unwrap();
    let parts: Vec<&str> = r.into_iter().map(|r| &t[r]).collect();
    assert_eq!(parts, ["\"a\"", "{\"b\":[1]}", "3"]);
    assert_eq!(array_elements("[]", 8), Ok(vec![]));
    assert_eq!(array_elements("{}", 8), Err(JsonError::WrongKind));
    assert_eq!(array_elements("[1,", 8), Err(JsonError::UnexpectedEnd));

    let t = r#"{"a\u0062":1, "c": {"d":null}, "e":[]}"#;
    let m = object_members(t, 8).unwrap();
    let m: Vec<(String, &str)> = m.into_iter().map(|(k, r)| (k, &t[r])).collect();
    assert_eq!(
        m,
        [
            ("ab".to_string(), "1"),
            ("c".to_string(), "{\"d\":null}"),
            ("e".to_string(), "[]")
        ]
    );
    assert_eq!(object_members("[]", 8), Err(JsonError::WrongKind));
    // lone surrogates in keys: read, as U+FFFD
    let t = r#"{"\ud800x":1,"\udc00":2,"a":3}"#;
    let keys: Vec<String> = object_members(t, 8)
        .unwrap()
        .into_iter()
        .map(|(k, _)| k)
        .collect();
    assert_eq!(keys, ["\u{fffd}x", "\u{fffd}", "a"]);
    assert_eq!(parse_string(r#""\ud800x""#), Err(JsonError::BadEscape));
}

#[test]
fn same_strings() {
    assert!(same_string(r#""a""#, r#""a""#));
    assert!(same_string(r#""a""#, r#""\u0061""#));
    assert!(same_string(r#""\/é😀""#, r#""/\u00e9\ud83d\uDE00""#));
    assert!(same_string(r#""\ud800""#, r#""\uD800""#));
    assert!(same_string(r#""中ÿ\t""#, r#""\u4e2d\u00ff\u0009""#));
    assert!(!same_string(r#""中""#, r#""\u4e2e""#));
    assert!(!same_string(r#""\ud800""#, r#""\udc00""#));
    assert!(!same_string(r#""\ud800""#, r#""\ufffd""#));
    assert!(!same_string(r#""a""#, r#""b""#));
    assert!(!same_string(r#""a\n""#, r#""a""#));
    assert!(!same_string(r#""\u00""#, r#""\u00""#));
}

#[test]
fn strings() {
    assert_eq!(parse_string(" \"a\\\"b\" ").as_deref(), Ok("a\"b"));
    assert_eq!(
        parse_string(r#""\\\/\b\f\n\r\t\u00e9\ud83d\ude00x""#).as_deref(),
        Ok("\\/\u{8}\u{c}\n\r\té😀x")
    );
    assert_eq!(parse_string("\"héllo\"").as_deref(), Ok("héllo"));
    assert_eq!(parse_string(r#""\ud83d""#), Err(JsonError::BadEscape));
    assert_eq!(parse_string(r#""\ud83dx""#), Err(JsonError::BadEscape));
    assert_eq!(parse_string(r#""\ud83d\u0041""#), Err(JsonError::BadEscape));
    assert_eq!(parse_string(r#""\ude00""#), Err(JsonError::BadEscape));
    assert_eq!(parse_string(r#""a\""#), Err(JsonError::BadEscape));
    assert_eq!(parse_string(r#""a"b""#), Err(JsonError::TrailingData));
    assert_eq!(parse_string("\"a\u{1}\""), Err(JsonError::ControlChar));
    assert_eq!(parse_string("\"a"), Err(JsonError::UnexpectedEnd));
    assert_eq!(parse_string("\""), Err(JsonError::UnexpectedEnd));
    assert_eq!(parse_string(""), Err(JsonError::UnexpectedEnd));
    assert_eq!(parse_string("1"), Err(JsonError::WrongKind));
    assert_eq!(parse_string(r#""\q""#), Err(JsonError::BadEscape));
    assert_eq!(parse_string(r#""\u12""#), Err(JsonError::BadEscape));
}

#[test]
fn integers() {
    assert_eq!(parse_count(" 25000 "), Ok(25000));
    assert_eq!(parse_count("0"), Ok(0));
    assert_eq!(parse_count("-0"), Ok(0));
    assert_eq!(parse_count("2.5e4"), Ok(25000));
    assert_eq!(parse_count("25000.0"), Ok(25000));
    assert_eq!(parse_count("9007199254740991"), Ok(MAX_SAFE_INTEGER));
    assert_eq!(
        parse_count("9007199254740992"),
        Err(JsonError::NotAnInteger)
    );
    assert_eq!(parse_count("1e400"), Err(JsonError::NotAnInteger));
    assert_eq!(parse_count("-1"), Err(JsonError::NotAnInteger));
    assert_eq!(parse_count("1.5"), Err(JsonError::NotAnInteger));
    assert_eq!(parse_count("01"), Err(JsonError::TrailingData));
    assert_eq!(parse_count("\"1\""), Err(JsonError::WrongKind));
    assert_eq!(parse_count("[1]"), Err(JsonError::TooDeep));
}

#[test]
fn writers() {
    let mut s = String::new();
    write_string(&mut s, "a\"b\\c\nd\u{1}\u{1f}é\u{8}\u{c}\r\t");
    assert_eq!(s, r#""a\"b\\c\nd\u0001\u001fé\b\f\r\t""#);
    assert_eq!(
        parse_string(&s).as_deref(),
        Ok("a\"b\\c\nd\u{1}\u{1f}é\u{8}\u{c}\r\t")
    );
    let mut n = String::new();
    write_u64(&mut n, 0);
    n.push(' ');
    write_u64(&mut n, 1234567890);
    n.push(' ');
    write_u64(&mut n, u64::MAX);
    assert_eq!(n, "0 1234567890 18446744073709551615");
}

#[test]
fn tokens() {
    let mut s = Scanner::new(r#"{"k":[true]}"#, 4);
    let mut seen = Vec::new();
    while let Some(t) = s.next_token().unwrap() {
        seen.push((t.event, t.kind, t.start, t.end, s.depth()));
    }
    assert_eq!(
        seen,
        [
            (Event::Begin, Kind::Object, 0, 1, 1),
            (Event::Key, Kind::String, 1, 4, 1),
            (Event::Begin, Kind::Array, 5, 6, 2),
            (Event::Scalar, Kind::Bool, 6, 10, 2),
            (Event::End, Kind::Array, 10, 11, 1),
            (Event::End, Kind::Object, 11, 12, 0),
        ]
    );
}

#[test]
fn plain_run_stops_at_specials() {
    for special in [b'"', b'\\', 0x00, 0x1f] {
        for at in 0..20 {
            let mut text = vec![b'a'; 24];
            text[at] = special;
            assert_eq!(super::plain_run(&text), at, "{special} at {at}");
        }
    }
    assert_eq!(
        super::plain_run("é€😀 plain ~\x7f".as_bytes()),
        "é€😀 plain ~\x7f".len()
    );
    assert_eq!(super::plain_run(b""), 0);
}
