//! The byte encoding of stored records. Only this module knows it.
//!
//! A stored value is one format byte followed by the record in bincode 2's
//! standard configuration (varint integers, little-endian). The format byte
//! lets a later factline read older records and lets this one refuse newer
//! ones instead of misreading them.

use serde::de::DeserializeOwned;
use serde::Serialize;

/// The record format this build writes.
pub const RECORD_FORMAT: u8 = 1;

/// Decoding refuses anything larger: a corrupted length prefix must not make
/// factline allocate gigabytes.
const MAX_RECORD_BYTES: usize = 16 * 1024 * 1024;

fn config() -> impl bincode::config::Config {
    bincode::config::standard().with_limit::<MAX_RECORD_BYTES>()
}

/// Encodes a record for storage.
pub fn encode<T: Serialize>(record: &T) -> Vec<u8> {
    // Room for a typical record, so that the encoder rarely grows the buffer.
    let mut out = Vec::with_capacity(256);
    out.push(RECORD_FORMAT);
    encode_into(record, &mut out);
    out
}

/// Appends the bincode of `value` (no format byte) to `out`.
fn encode_into<T: Serialize>(value: &T, out: &mut Vec<u8>) {
    // Encoding plain model types into a Vec cannot fail; a failure here would
    // be a programming error in a model type (e.g. an unsupported serde attribute).
    bincode::serde::encode_into_std_write(value, out, config())
        .expect("model records are always encodable");
}

/// Encodes several records that end in the same fields: each is `head`
/// (its leading fields, as a struct or tuple) followed by `tail` (the rest),
/// the same bytes as [`encode`] of the whole record, because bincode writes
/// a struct's fields one after another with nothing between them. The tail
/// is encoded once (an event's participations share its title and date).
pub fn encode_sharing_tail<H: Serialize, T: Serialize>(
    heads: impl Iterator<Item = H>,
    tail: &T,
) -> Vec<Vec<u8>> {
    let mut tail_bytes = Vec::with_capacity(128);
    encode_into(tail, &mut tail_bytes);
    heads
        .map(|head| {
            let mut out = Vec::with_capacity(64 + tail_bytes.len());
            out.push(RECORD_FORMAT);
            encode_into(&head, &mut out);
            out.extend_from_slice(&tail_bytes);
            out
        })
        .collect()
}

/// Decodes a stored record, refusing unknown formats, truncation and trailing bytes.
pub fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, String> {
    let body = record_body(bytes)?;
    let (record, read) = bincode::serde::decode_from_slice(body, config())
        .map_err(|e| format!("undecodable record: {e}"))?;
    if read != body.len() {
        return Err(format!("record has {} trailing bytes", body.len() - read));
    }
    Ok(record)
}

/// Decodes the leading fields of a stored record into `T` (a type made of
/// the record's first fields), ignoring the rest; `T` may borrow its
/// strings from `bytes`.
pub fn decode_prefix<'a, T: serde::Deserialize<'a>>(bytes: &'a [u8]) -> Result<T, String> {
    bincode::serde::borrow_decode_from_slice(record_body(bytes)?, config())
        .map(|(record, _)| record)
        .map_err(|e| format!("undecodable record: {e}"))
}

/// A stored record's bincode, after its format byte (which must be ours).
fn record_body(bytes: &[u8]) -> Result<&[u8], String> {
    let (&format, body) = bytes
        .split_first()
        .ok_or_else(|| "empty record".to_string())?;
    if format != RECORD_FORMAT {
        return Err(format!(
            "record format {format} is not one this factline reads (it reads format {RECORD_FORMAT})"
        ));
    }
    Ok(body)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Actor, ActorKind, Meta, Role, Stamp};

    fn actor() -> Actor {
        Actor {
            id: "steve-witkoff".into(),
            name: "Steve Witkoff".into(),
            kind: ActorKind::Person,
            aliases: vec!["Witkoff".into()],
            description: String::new(),
            roles: vec![Role {
                title: "US special envoy".into(),
                of: Some("donald-trump".into()),
                span: Some("2025-01/..".parse().unwrap()),
            }],
            meta: Meta::first(Stamp(1_700_000_000_000_000)),
        }
    }

    #[test]
    fn records_round_trip() {
        let a = actor();
        assert_eq!(decode::<Actor>(&encode(&a)), Ok(a));
    }

    #[test]
    fn damaged_records_are_errors_not_panics() {
        let bytes = encode(&actor());
        assert!(decode::<Actor>(&[]).is_err());
        assert!(decode::<Actor>(&bytes[..bytes.len() / 2]).is_err());
        let mut newer = bytes.clone();
        newer[0] = RECORD_FORMAT + 1;
        assert!(decode::<Actor>(&newer).unwrap_err().contains("format 2"));
        let mut longer = bytes.clone();
        longer.push(0);
        assert!(decode::<Actor>(&longer).unwrap_err().contains("trailing"));
        for i in 1..bytes.len() {
            let mut flipped = bytes.clone();
            flipped[i] ^= 0xff;
            let _ = decode::<Actor>(&flipped); // must not panic
        }
    }
}

/// The page format: many (key, value) entries in one stored value.
pub const PAGE_FORMAT: u8 = 2;

/// A decoded page: one buffer and an offset table, so reading a page is one
/// copy and no per-entry allocation. Entries are in key order.
#[derive(Debug, Clone, Default)]
pub struct Page {
    buf: Vec<u8>,
    /// (key start, key end, value end) into `buf`; a value starts where its key ends.
    spans: Vec<(u32, u32, u32)>,
}

impl Page {
    pub fn len(&self) -> usize {
        self.spans.len()
    }

    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }

    /// Bytes held in memory.
    pub fn size(&self) -> usize {
        self.buf.len() + self.spans.len() * std::mem::size_of::<(u32, u32, u32)>()
    }

    pub fn key(&self, i: usize) -> &[u8] {
        let (start, end, _) = self.spans[i];
        &self.buf[start as usize..end as usize]
    }

    pub fn value(&self, i: usize) -> &[u8] {
        let (_, start, end) = self.spans[i];
        &self.buf[start as usize..end as usize]
    }

    pub fn entries(&self) -> impl Iterator<Item = (&[u8], &[u8])> + '_ {
        (0..self.len()).map(|i| (self.key(i), self.value(i)))
    }

    /// The index of `key`, or where it would go.
    pub fn search(&self, key: &[u8]) -> std::result::Result<usize, usize> {
        let mut low = 0;
        let mut high = self.len();
        while low < high {
            let mid = (low + high) / 2;
            match self.key(mid).cmp(key) {
                std::cmp::Ordering::Less => low = mid + 1,
                std::cmp::Ordering::Greater => high = mid,
                std::cmp::Ordering::Equal => return Ok(mid),
            }
        }
        Err(low)
    }
}

/// Builds an encoded page from entries given in key order.
#[derive(Default)]
pub struct PageWriter {
    lengths: Vec<(u32, u32)>,
    data: Vec<u8>,
}

impl PageWriter {
    pub fn push(&mut self, key: &[u8], value: &[u8]) {
        self.lengths.push((key.len() as u32, value.len() as u32));
        self.data.extend_from_slice(key);
        self.data.extend_from_slice(value);
    }

    pub fn is_empty(&self) -> bool {
        self.lengths.is_empty()
    }

    /// Format byte, entry count (u32 LE), each entry's key and value lengths
    /// (u32 LE), then the keys and values back to back.
    pub fn finish(self) -> Vec<u8> {
        let mut out = Vec::with_capacity(5 + self.lengths.len() * 8 + self.data.len());
        out.push(PAGE_FORMAT);
        out.extend_from_slice(&(self.lengths.len() as u32).to_le_bytes());
        for (k, v) in &self.lengths {
            out.extend_from_slice(&k.to_le_bytes());
            out.extend_from_slice(&v.to_le_bytes());
        }
        out.extend_from_slice(&self.data);
        out
    }
}

/// A compressed page: this format byte, the plain page's length (u32 LE),
/// then the plain page (format [`PAGE_FORMAT`]) as one zstd frame.
pub const COMPRESSED_PAGE_FORMAT: u8 = 3;
/// Pages smaller than this are stored plain: compressing them gains little.
const COMPRESS_FROM_BYTES: usize = 256;
/// No page decompresses to more than this: a damaged length cannot make
/// factline allocate more.
const MAX_PLAIN_PAGE_BYTES: usize = 256 * 1024 * 1024;

thread_local! {
    /// zstd contexts, reused: creating one costs more than compressing a page.
    static COMPRESSOR: std::cell::RefCell<Option<zstd::bulk::Compressor<'static>>> =
        const { std::cell::RefCell::new(None) };
    static DECOMPRESSOR: std::cell::RefCell<Option<zstd::bulk::Decompressor<'static>>> =
        const { std::cell::RefCell::new(None) };
}

/// A page as stored: `plain` (from [`PageWriter::finish`]) compressed with
/// zstd's fastest level, or `plain` itself when that is not smaller.
pub fn compress_page(plain: Vec<u8>) -> Vec<u8> {
    if plain.len() < COMPRESS_FROM_BYTES {
        return plain;
    }
    let compressed = COMPRESSOR.with(|cell| {
        let mut cell = cell.borrow_mut();
        if cell.is_none() {
            *cell = zstd::bulk::Compressor::new(1).ok();
        }
        cell.as_mut().and_then(|c| c.compress(&plain).ok())
    });
    match compressed {
        Some(body) if body.len() + 5 < plain.len() => {
            let mut out = Vec::with_capacity(body.len() + 5);
            out.push(COMPRESSED_PAGE_FORMAT);
            out.extend_from_slice(&(plain.len() as u32).to_le_bytes());
            out.extend_from_slice(&body);
            out
        }
        _ => plain,
    }
}

fn decompress_page(rest: &[u8]) -> Result<Vec<u8>, String> {
    let length = rest
        .get(..4)
        .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize)
        .ok_or("truncated compressed page")?;
    if length > MAX_PLAIN_PAGE_BYTES {
        return Err(format!("compressed page claims {length} bytes"));
    }
    let plain = DECOMPRESSOR.with(|cell| {
        let mut cell = cell.borrow_mut();
        if cell.is_none() {
            *cell = Some(zstd::bulk::Decompressor::new().map_err(|e| e.to_string())?);
        }
        match cell.as_mut() {
            Some(d) => d
                .decompress(&rest[4..], length)
                .map_err(|e| format!("compressed page does not decompress: {e}")),
            None => Err("no zstd decompressor".to_string()),
        }
    })?;
    if plain.len() != length {
        return Err("compressed page has the wrong length".into());
    }
    Ok(plain)
}

/// Decodes a page (plain or compressed), checking every length against the
/// bytes present.
pub fn decode_page(bytes: &[u8]) -> Result<Page, String> {
    let (&format, rest) = bytes.split_first().ok_or("empty page")?;
    if format == COMPRESSED_PAGE_FORMAT {
        let plain = decompress_page(rest)?;
        if plain.first() != Some(&PAGE_FORMAT) {
            return Err("compressed page does not hold a plain page".into());
        }
        return decode_page(&plain);
    }
    if format != PAGE_FORMAT {
        return Err(format!(
            "page format {format} is not one this factline reads ({PAGE_FORMAT} or {COMPRESSED_PAGE_FORMAT})"
        ));
    }
    let read_u32 = |b: &[u8], at: usize| -> Option<u32> {
        b.get(at..at + 4)
            .map(|s| u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
    };
    let count = read_u32(rest, 0).ok_or("truncated page header")? as usize;
    let table_end = count
        .checked_mul(8)
        .and_then(|n| n.checked_add(4))
        .filter(|&n| n <= rest.len())
        .ok_or("page entry table runs past its end")?;
    let data = &rest[table_end..];
    let mut spans = Vec::with_capacity(count);
    let mut at: u64 = 0;
    for i in 0..count {
        let k = u64::from(read_u32(rest, 4 + i * 8).ok_or("truncated")?);
        let v = u64::from(read_u32(rest, 8 + i * 8).ok_or("truncated")?);
        let key_end = at + k;
        let value_end = key_end + v;
        if value_end > data.len() as u64 {
            return Err("page entry runs past the page's end".into());
        }
        spans.push((at as u32, key_end as u32, value_end as u32));
        at = value_end;
    }
    if at != data.len() as u64 {
        return Err(format!(
            "page has {} trailing bytes",
            data.len() as u64 - at
        ));
    }
    let page = Page {
        buf: data.to_vec(),
        spans,
    };
    if (1..page.len()).any(|i| page.key(i - 1) >= page.key(i)) {
        return Err("page entries are out of order".into());
    }
    Ok(page)
}

#[cfg(test)]
mod page_tests {
    use super::*;

    #[test]
    fn pages_round_trip_and_search() {
        let mut w = PageWriter::default();
        w.push(b"a", b"1");
        w.push(b"b", b"");
        w.push(b"d", b"4444");
        let page = decode_page(&w.finish()).unwrap();
        assert_eq!(page.len(), 3);
        assert_eq!(page.value(2), b"4444");
        assert_eq!(page.search(b"b"), Ok(1));
        assert_eq!(page.search(b"c"), Err(2));
        assert_eq!(
            page.entries().map(|(k, _)| k.to_vec()).collect::<Vec<_>>(),
            vec![b"a".to_vec(), b"b".to_vec(), b"d".to_vec()]
        );
    }

    #[test]
    fn compressed_pages_round_trip_and_damage_is_an_error() {
        let mut w = PageWriter::default();
        for i in 0..200u32 {
            w.push(
                format!("key {i:05}").as_bytes(),
                b"talks summit envoy ceasefire",
            );
        }
        let plain = w.finish();
        let stored = compress_page(plain.clone());
        assert_eq!(stored[0], COMPRESSED_PAGE_FORMAT);
        assert!(
            stored.len() * 3 < plain.len(),
            "{} of {}",
            stored.len(),
            plain.len()
        );
        let page = decode_page(&stored).unwrap();
        assert_eq!(page.len(), 200);
        assert_eq!(page.key(199), b"key 00199");
        assert_damage_is_an_error(&stored);
        // A tiny page is stored plain.
        let mut small = PageWriter::default();
        small.push(b"a", b"1");
        let small = small.finish();
        assert_eq!(compress_page(small.clone()), small);
    }

    #[test]
    fn damaged_pages_are_errors() {
        let mut w = PageWriter::default();
        w.push(b"a", b"1");
        w.push(b"b", b"2");
        let bytes = w.finish();
        assert_damage_is_an_error(&bytes);
        let mut swapped = PageWriter::default();
        swapped.push(b"b", b"1");
        swapped.push(b"a", b"2");
        assert!(decode_page(&swapped.finish()).is_err());
    }

    /// A stored page (plain or compressed) cut short, or claiming a huge
    /// length, is an error; with any byte flipped it is an error or, where
    /// the damage cannot be told, a page that passes every structural
    /// check: never a panic.
    fn assert_damage_is_an_error(stored: &[u8]) {
        for cut in 0..stored.len() {
            assert!(decode_page(&stored[..cut]).is_err(), "cut at {cut}");
        }
        let mut huge = stored.to_vec();
        huge[1..5].copy_from_slice(&u32::MAX.to_le_bytes());
        assert!(decode_page(&huge).is_err());
        for i in 0..stored.len() {
            for mask in [0x55, 0xff] {
                let mut flipped = stored.to_vec();
                flipped[i] ^= mask;
                let _ = decode_page(&flipped);
            }
        }
    }
}
