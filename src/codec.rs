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
    let mut out = vec![RECORD_FORMAT];
    // Encoding plain model types into a Vec cannot fail; a failure here would
    // be a programming error in a model type (e.g. an unsupported serde attribute).
    bincode::serde::encode_into_std_write(record, &mut out, config())
        .expect("model records are always encodable");
    out
}

/// Decodes a stored record, refusing unknown formats, truncation and trailing bytes.
pub fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, String> {
    let (&format, body) = bytes
        .split_first()
        .ok_or_else(|| "empty record".to_string())?;
    if format != RECORD_FORMAT {
        return Err(format!(
            "record format {format} is not one this factline reads (it reads format {RECORD_FORMAT})"
        ));
    }
    let (record, read) = bincode::serde::decode_from_slice(body, config())
        .map_err(|e| format!("undecodable record: {e}"))?;
    if read != body.len() {
        return Err(format!("record has {} trailing bytes", body.len() - read));
    }
    Ok(record)
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
