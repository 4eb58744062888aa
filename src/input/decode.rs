//! Bytes to text as kubectl reads a manifest: a byte-order mark chooses UTF-8, UTF-16LE or
//! UTF-16BE and is dropped (cli-runtime's FileVisitor reads through golang.org/x/text's
//! `unicode.BOMOverride`), anything else is UTF-8. A UTF-16 code unit that is not part of a
//! character becomes U+FFFD, as x/text's decoder makes it.

/// Bytes that are not UTF-8: the text up to the first bad byte, and that byte.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct NotUtf8 {
    pub valid: String,
    pub bad: u8,
}

pub(super) fn text(mut bytes: Vec<u8>) -> Result<String, NotUtf8> {
    const UTF8: &[u8] = b"\xEF\xBB\xBF";
    if bytes.starts_with(UTF8) {
        bytes.drain(..UTF8.len());
    } else if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        return Ok(utf16(rest, u16::from_le_bytes));
    } else if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        return Ok(utf16(rest, u16::from_be_bytes));
    }
    String::from_utf8(bytes).map_err(|error| {
        let valid = error.utf8_error().valid_up_to();
        let mut bytes = error.into_bytes();
        let bad = bytes.get(valid).copied().unwrap_or_default();
        bytes.truncate(valid);
        NotUtf8 {
            valid: String::from_utf8(bytes).unwrap_or_default(),
            bad,
        }
    })
}

/// UTF-16 in the byte order of `unit`; an odd last byte is a broken unit.
fn utf16(bytes: &[u8], unit: fn([u8; 2]) -> u16) -> String {
    let pairs = bytes.chunks_exact(2);
    let odd = !pairs.remainder().is_empty();
    let units = pairs.map(|pair| unit([pair[0], pair[1]]));
    let mut text: String = char::decode_utf16(units)
        .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
        .collect();
    if odd {
        text.push(char::REPLACEMENT_CHARACTER);
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utf16_bytes(text: &str, bom: [u8; 2], unit: fn(u16) -> [u8; 2]) -> Vec<u8> {
        let mut bytes = bom.to_vec();
        bytes.extend(text.encode_utf16().flat_map(unit));
        bytes
    }

    #[test]
    fn a_byte_order_mark_chooses_the_encoding() {
        let yaml = "kind: Service\nname: \"é😀\"\n";
        assert_eq!(text(yaml.as_bytes().to_vec()).as_deref(), Ok(yaml));
        assert_eq!(
            text(format!("\u{FEFF}{yaml}").into_bytes()).as_deref(),
            Ok(yaml)
        );
        let le = utf16_bytes(yaml, [0xFF, 0xFE], u16::to_le_bytes);
        assert_eq!(text(le).as_deref(), Ok(yaml));
        let be = utf16_bytes(yaml, [0xFE, 0xFF], u16::to_be_bytes);
        assert_eq!(text(be).as_deref(), Ok(yaml));
    }

    #[test]
    fn broken_utf16_becomes_replacement_characters() {
        // A lone high surrogate, then `a`, then an odd byte.
        let bytes = vec![0xFF, 0xFE, 0x00, 0xD8, b'a', 0x00, b'b'];
        assert_eq!(text(bytes).as_deref(), Ok("\u{FFFD}a\u{FFFD}"));
    }

    #[test]
    fn invalid_utf8_keeps_the_valid_prefix() {
        assert_eq!(
            text(b"kind: B\nowner: Ren\xe9\n".to_vec()),
            Err(NotUtf8 {
                valid: "kind: B\nowner: Ren".into(),
                bad: 0xE9
            })
        );
    }
}
