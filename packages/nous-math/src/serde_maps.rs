//! JSON shape of the id-keyed maps: JSON object keys must be strings, so a
//! map keyed by ids is written as a list of `[id, "value"]` pairs (and
//! `[a, b, "value"]` triples for pair keys), ids ascending. Duplicate ids are
//! refused when reading.

use std::collections::BTreeMap;

use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serializer};

use crate::fixed::Fixed;

/// `BTreeMap<u32, Fixed>` as `[[id, "value"], ...]`.
pub mod id_map {
    use super::*;

    pub fn serialize<S: Serializer>(m: &BTreeMap<u32, Fixed>, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(m.iter())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<BTreeMap<u32, Fixed>, D::Error> {
        let v: Vec<(u32, Fixed)> = Vec::deserialize(d)?;
        let n = v.len();
        let m: BTreeMap<u32, Fixed> = v.into_iter().collect();
        if m.len() != n {
            return Err(D::Error::custom("duplicate id"));
        }
        Ok(m)
    }
}

/// `BTreeMap<(u32, u32), Fixed>` as `[[a, b, "value"], ...]`.
pub mod pair_map {
    use super::*;

    pub fn serialize<S: Serializer>(
        m: &BTreeMap<(u32, u32), Fixed>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        s.collect_seq(m.iter().map(|((a, b), v)| (a, b, v)))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<BTreeMap<(u32, u32), Fixed>, D::Error> {
        let v: Vec<(u32, u32, Fixed)> = Vec::deserialize(d)?;
        let n = v.len();
        let m: BTreeMap<(u32, u32), Fixed> = v.into_iter().map(|(a, b, x)| ((a, b), x)).collect();
        if m.len() != n {
            return Err(D::Error::custom("duplicate id pair"));
        }
        Ok(m)
    }
}
