//! JSON shape of the id-keyed maps: JSON object keys must be strings, so a
//! map keyed by ids is written as a list of `[id, "value"]` pairs (and
//! `[a, b, "value"]` triples for pair keys), ids ascending. Duplicate ids are
//! refused when reading.

use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serializer};

use crate::fixed::Fixed;
use crate::sorted_map::SortedMap;

/// `SortedMap<u32, Fixed>` as `[[id, "value"], ...]`.
pub mod id_map {
    use super::*;

    pub fn serialize<S: Serializer>(m: &SortedMap<u32, Fixed>, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(m.iter())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<SortedMap<u32, Fixed>, D::Error> {
        let v: Vec<(u32, Fixed)> = Vec::deserialize(d)?;
        let n = v.len();
        let m: SortedMap<u32, Fixed> = v.into_iter().collect();
        if m.len() != n {
            return Err(D::Error::custom("duplicate id"));
        }
        Ok(m)
    }
}

/// `SortedMap<(u32, u32), Fixed>` as `[[a, b, "value"], ...]`.
pub mod pair_map {
    use super::*;

    pub fn serialize<S: Serializer>(
        m: &SortedMap<(u32, u32), Fixed>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        s.collect_seq(m.iter().map(|((a, b), v)| (a, b, v)))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<SortedMap<(u32, u32), Fixed>, D::Error> {
        let v: Vec<(u32, u32, Fixed)> = Vec::deserialize(d)?;
        let n = v.len();
        let m: SortedMap<(u32, u32), Fixed> = v.into_iter().map(|(a, b, x)| ((a, b), x)).collect();
        if m.len() != n {
            return Err(D::Error::custom("duplicate id pair"));
        }
        Ok(m)
    }
}

/// The binary shape of an id-keyed map, for contract storage: per entry the `u32` id and
/// the raw 18-decimal `i128` of the value, both big-endian (20 bytes), in the given order.
pub mod id_bytes {
    use super::*;
    use crate::error::{MathError, MathResult};

    /// Bytes of one entry.
    pub const ENTRY: usize = 20;

    pub fn encode<'a>(entries: impl IntoIterator<Item = (u32, &'a Fixed)>) -> Vec<u8> {
        let mut out = Vec::new();
        for (id, value) in entries {
            out.extend_from_slice(&id.to_be_bytes());
            out.extend_from_slice(&value.raw().to_be_bytes());
        }
        out
    }

    /// The entries in stored order; refuses a length that is not a whole number of entries.
    pub fn decode(bytes: &[u8]) -> MathResult<Vec<(u32, Fixed)>> {
        let corrupt = || MathError::Parse("binary id map: not a whole number of entries".into());
        let entries = bytes.chunks_exact(ENTRY);
        if !entries.remainder().is_empty() {
            return Err(corrupt());
        }
        entries
            .map(|c| {
                let (id, value) = c.split_at(4);
                let id: [u8; 4] = id.try_into().map_err(|_| corrupt())?;
                let value: [u8; 16] = value.try_into().map_err(|_| corrupt())?;
                Ok((
                    u32::from_be_bytes(id),
                    Fixed::from_raw(i128::from_be_bytes(value)),
                ))
            })
            .collect()
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn entries_round_trip_and_a_torn_record_is_refused() {
            let m: SortedMap<u32, Fixed> = [(0, Fixed::from_raw(-5)), (9, Fixed::ONE)].into();
            let bytes = encode(m.iter().map(|(k, v)| (*k, v)));
            assert_eq!(bytes.len(), 2 * ENTRY);
            assert_eq!(decode(&bytes).unwrap(), m.into_iter().collect::<Vec<_>>());
            assert!(decode(&bytes[..ENTRY + 1]).is_err());
        }
    }
}
