//! PNG chunks: embedding the board file in an exported image and finding it again.
//!
//! UI.md: a `zTXt` (compressed) or `tEXt` chunk with keyword `lernraum` whose text is
//! the base64 (standard alphabet) of the `.lernraum` bytes. We write `zTXt`, inserted
//! just before `IEND`; we read `zTXt`, `tEXt` and uncompressed `iTXt`. Reading checks
//! every length against the data, so a damaged or hostile PNG is an error, not a panic.

pub const SIGNATURE: &[u8; 8] = b"\x89PNG\r\n\x1a\n";
pub const KEYWORD: &str = "lernraum";

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PngError {
    NotPng,
    Damaged(&'static str),
}

impl std::fmt::Display for PngError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PngError::NotPng => write!(f, "not a PNG image"),
            PngError::Damaged(why) => write!(f, "damaged PNG: {why}"),
        }
    }
}

/// The board text found in a PNG.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Embedded {
    /// `tEXt`/`iTXt`: the base64 text itself.
    Plain(Vec<u8>),
    /// `zTXt`: zlib-compressed base64 text.
    Zlib(Vec<u8>),
}

fn crc_table() -> [u32; 256] {
    let mut table = [0u32; 256];
    for (n, slot) in table.iter_mut().enumerate() {
        let mut c = n as u32;
        for _ in 0..8 {
            c = if c & 1 != 0 {
                0xedb8_8320 ^ (c >> 1)
            } else {
                c >> 1
            };
        }
        *slot = c;
    }
    table
}

/// CRC-32 as PNG (and zlib's `crc32`) computes it.
pub fn crc32(parts: &[&[u8]]) -> u32 {
    let table = crc_table();
    let mut c = 0xffff_ffffu32;
    for part in parts {
        for &b in *part {
            c = table[((c ^ b as u32) & 0xff) as usize] ^ (c >> 8);
        }
    }
    c ^ 0xffff_ffff
}

/// One chunk: (type, data), with its position in `png`.
struct Chunk<'a> {
    kind: &'a [u8],
    data: &'a [u8],
    start: usize,
}

fn chunks(png: &[u8]) -> Result<Vec<Chunk<'_>>, PngError> {
    if !png.starts_with(SIGNATURE) {
        return Err(PngError::NotPng);
    }
    let mut out = Vec::new();
    let mut at = SIGNATURE.len();
    while at < png.len() {
        let head = png
            .get(at..at + 8)
            .ok_or(PngError::Damaged("a chunk header is cut off"))?;
        let len = u32::from_be_bytes([head[0], head[1], head[2], head[3]]) as usize;
        let end = at
            .checked_add(12)
            .and_then(|v| v.checked_add(len))
            .filter(|&e| e <= png.len())
            .ok_or(PngError::Damaged("a chunk is longer than the file"))?;
        out.push(Chunk {
            kind: &png[at + 4..at + 8],
            data: &png[at + 8..at + 8 + len],
            start: at,
        });
        if &head[4..8] == b"IEND" {
            return Ok(out);
        }
        at = end;
    }
    Err(PngError::Damaged("the image has no end chunk"))
}

fn chunk_bytes(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len() + 12);
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    out.extend_from_slice(&crc32(&[kind, data]).to_be_bytes());
    out
}

/// `png` with a `zTXt` chunk (keyword `lernraum`, compression method 0) holding
/// `zlib_text`, which must be the zlib stream of the base64 text, before `IEND`.
pub fn with_board(png: &[u8], zlib_text: &[u8]) -> Result<Vec<u8>, PngError> {
    let list = chunks(png)?;
    let iend = list
        .last()
        .filter(|c| c.kind == b"IEND")
        .ok_or(PngError::Damaged("the image has no end chunk"))?;
    let mut data = Vec::with_capacity(KEYWORD.len() + 2 + zlib_text.len());
    data.extend_from_slice(KEYWORD.as_bytes());
    data.push(0);
    data.push(0);
    data.extend_from_slice(zlib_text);
    let mut out = Vec::with_capacity(png.len() + data.len() + 12);
    out.extend_from_slice(&png[..iend.start]);
    out.extend_from_slice(&chunk_bytes(b"zTXt", &data));
    out.extend_from_slice(&png[iend.start..]);
    Ok(out)
}

/// The board text embedded in `png`, if any.
pub fn board_of(png: &[u8]) -> Result<Option<Embedded>, PngError> {
    for c in chunks(png)? {
        let Some(nul) = c.data.iter().position(|&b| b == 0) else {
            continue;
        };
        if &c.data[..nul] != KEYWORD.as_bytes() {
            continue;
        }
        let rest = &c.data[nul + 1..];
        match c.kind {
            b"tEXt" => return Ok(Some(Embedded::Plain(rest.to_vec()))),
            b"zTXt" => {
                return match rest.split_first() {
                    Some((0, z)) => Ok(Some(Embedded::Zlib(z.to_vec()))),
                    _ => Err(PngError::Damaged("unknown text compression")),
                }
            }
            b"iTXt" => {
                // compression flag, method, language\0, translated keyword\0, text
                let (&flag, rest) = rest
                    .split_first()
                    .ok_or(PngError::Damaged("iTXt cut off"))?;
                let rest = rest.get(1..).ok_or(PngError::Damaged("iTXt cut off"))?;
                let mut parts = rest.splitn(3, |&b| b == 0);
                let (_, _, text) = (parts.next(), parts.next(), parts.next());
                let text = text.ok_or(PngError::Damaged("iTXt cut off"))?;
                return Ok(Some(if flag == 0 {
                    Embedded::Plain(text.to_vec())
                } else {
                    Embedded::Zlib(text.to_vec())
                }));
            }
            _ => {}
        }
    }
    Ok(None)
}

/// The pixel size in a PNG's header.
#[cfg(test)]
pub fn size(png: &[u8]) -> Result<(u32, u32), PngError> {
    let list = chunks(png)?;
    let ihdr = list
        .first()
        .filter(|c| c.kind == b"IHDR" && c.data.len() >= 8)
        .ok_or(PngError::Damaged("no image header"))?;
    let d = ihdr.data;
    Ok((
        u32::from_be_bytes([d[0], d[1], d[2], d[3]]),
        u32::from_be_bytes([d[4], d[5], d[6], d[7]]),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A valid 1×1 PNG (IHDR, IDAT, IEND) built with our own chunk writer.
    fn tiny() -> Vec<u8> {
        let mut png = SIGNATURE.to_vec();
        png.extend(chunk_bytes(
            b"IHDR",
            &[0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0],
        ));
        // zlib stream of the one scanline [0, r, g, b, a] (stored block).
        png.extend(chunk_bytes(
            b"IDAT",
            &[
                0x78, 0x01, 0x01, 0x05, 0x00, 0xfa, 0xff, 0, 255, 0, 0, 255, 0x05, 0x00, 0x01, 0xff,
            ],
        ));
        png.extend(chunk_bytes(b"IEND", &[]));
        png
    }

    #[test]
    fn crc_matches_the_png_spec() {
        // The CRC of an empty IEND chunk is fixed: AE 42 60 82.
        assert_eq!(crc32(&[b"IEND"]), 0xae42_6082);
        assert_eq!(crc32(&[b"123456789"]), 0xcbf4_3926);
    }

    #[test]
    fn the_board_chunk_round_trips_and_sits_before_iend() {
        let png = tiny();
        let out = with_board(&png, b"\x78\x9cdata").unwrap();
        assert_eq!(
            board_of(&out).unwrap(),
            Some(Embedded::Zlib(b"\x78\x9cdata".to_vec()))
        );
        assert!(out.ends_with(&chunk_bytes(b"IEND", &[])));
        assert_eq!(size(&out).unwrap(), (1, 1));
        assert_eq!(board_of(&png).unwrap(), None);
    }

    #[test]
    fn a_text_chunk_from_another_tool_is_read_too() {
        let mut png = tiny();
        let iend = png.len() - 12;
        let chunk = chunk_bytes(b"tEXt", b"lernraum\0TEVSTlJBVU0B");
        png.splice(iend..iend, chunk);
        assert_eq!(
            board_of(&png).unwrap(),
            Some(Embedded::Plain(b"TEVSTlJBVU0B".to_vec()))
        );
    }

    #[test]
    fn damaged_pngs_are_errors_never_panics() {
        assert_eq!(board_of(b"GIF89a").unwrap_err(), PngError::NotPng);
        let png = with_board(&tiny(), b"xyz").unwrap();
        for cut in 8..png.len() - 1 {
            assert!(board_of(&png[..cut]).is_err(), "cut at {cut}");
        }
        let mut huge_len = tiny();
        huge_len[8..12].copy_from_slice(&u32::MAX.to_be_bytes());
        assert!(board_of(&huge_len).is_err());
        let mut rng = fastrand::Rng::with_seed(3);
        for _ in 0..500 {
            let mut p = png.clone();
            let i = rng.usize(8..p.len());
            p[i] = rng.u8(..);
            let _ = board_of(&p);
            let _ = size(&p);
        }
    }
}
