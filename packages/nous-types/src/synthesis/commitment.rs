//! Commitments to worker payloads on a commit–reveal topic (docs/PROTOCOL.md
//! "Commit–reveal"): the one definition of the bytes a worker hashes in the worker window
//! and synthesis re-hashes at the reveal.
//!
//! The preimage binds the topic, the nonce and the worker's own address, so a commitment
//! copied from another worker can never be revealed by the copier; the payload is encoded
//! from its parsed numbers (not its JSON text), so `"1.5"` and `"1.50"` commit alike; the
//! salt keeps a payload drawn from a small set of values from being guessed from its hash.

use cosmwasm_std::SignedDecimal;
use sha2::{Digest, Sha256};

use super::ForecastElement;

/// Domain tag of the preimage; a new encoding gets a new tag.
const DOMAIN: &[u8] = b"nous/payload-commitment/v1";
/// Salt length bounds, in bytes: long enough not to be searched, short enough to be cheap.
pub const MIN_SALT_BYTES: usize = 16;
pub const MAX_SALT_BYTES: usize = 64;
/// Length of a commitment (SHA-256).
pub const COMMITMENT_BYTES: usize = 32;

fn put_len(h: &mut Sha256, len: usize) {
    // every length here fits u32 (addresses, salts and forecasts are bounded far below)
    h.update((len as u32).to_be_bytes());
}

fn put_value(h: &mut Sha256, value: SignedDecimal) {
    h.update(value.atomics().i128().to_be_bytes());
}

/// SHA-256 of `DOMAIN ‖ topic_id ‖ nonce ‖ len ‖ address ‖ len ‖ salt ‖ inference ‖
/// forecast`, integers big-endian; the inference as a presence byte and its 18-decimal
/// atomics (i128); the forecast as a presence byte, its element count and each element's
/// inferer (u32) and atomics, in the order sent.
pub fn payload_commitment(
    topic_id: u64,
    nonce: u64,
    address: &str,
    inference: Option<SignedDecimal>,
    forecast: Option<&[ForecastElement]>,
    salt: &[u8],
) -> [u8; COMMITMENT_BYTES] {
    let mut h = Sha256::new();
    h.update(DOMAIN);
    h.update(topic_id.to_be_bytes());
    h.update(nonce.to_be_bytes());
    put_len(&mut h, address.len());
    h.update(address.as_bytes());
    put_len(&mut h, salt.len());
    h.update(salt);
    match inference {
        None => h.update([0u8]),
        Some(v) => {
            h.update([1u8]);
            put_value(&mut h, v);
        }
    }
    match forecast {
        None => h.update([0u8]),
        Some(elements) => {
            h.update([1u8]);
            put_len(&mut h, elements.len());
            for el in elements {
                h.update(el.inferer.to_be_bytes());
                put_value(&mut h, el.value);
            }
        }
    }
    h.finalize().into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> SignedDecimal {
        SignedDecimal::from_str(s).unwrap()
    }

    fn el(inferer: u32, v: &str) -> ForecastElement {
        ForecastElement {
            inferer,
            value: d(v),
        }
    }

    #[test]
    fn every_field_of_the_preimage_counts() {
        let salt = [7u8; 32];
        let f = [el(1, "0.5"), el(2, "-1")];
        let base = payload_commitment(1, 5, "wasm1alice", Some(d("1.5")), Some(&f), &salt);
        // the same payload written differently commits alike
        assert_eq!(
            base,
            payload_commitment(1, 5, "wasm1alice", Some(d("1.50")), Some(&f), &salt)
        );
        let others = [
            payload_commitment(2, 5, "wasm1alice", Some(d("1.5")), Some(&f), &salt),
            payload_commitment(1, 6, "wasm1alice", Some(d("1.5")), Some(&f), &salt),
            payload_commitment(1, 5, "wasm1bob", Some(d("1.5")), Some(&f), &salt),
            payload_commitment(1, 5, "wasm1alice", Some(d("1.6")), Some(&f), &salt),
            payload_commitment(1, 5, "wasm1alice", None, Some(&f), &salt),
            payload_commitment(1, 5, "wasm1alice", Some(d("1.5")), None, &salt),
            payload_commitment(1, 5, "wasm1alice", Some(d("1.5")), Some(&f[..1]), &salt),
            payload_commitment(
                1,
                5,
                "wasm1alice",
                Some(d("1.5")),
                Some(&[f[1].clone(), f[0].clone()]),
                &salt,
            ),
            payload_commitment(1, 5, "wasm1alice", Some(d("1.5")), Some(&f), &[8u8; 32]),
        ];
        for (i, other) in others.iter().enumerate() {
            assert_ne!(&base, other, "variant {i} collided");
        }
    }

    #[test]
    fn a_known_preimage_hashes_to_its_pinned_value() {
        // pinned so that clients in other languages can check their encoding against it;
        // the value was computed independently from the documented layout with Python's
        // hashlib (docs/PROTOCOL.md "Commit–reveal" shows the same preimage)
        let c = payload_commitment(
            3,
            9,
            "wasm1worker",
            Some(d("-2.25")),
            Some(&[el(4, "0.125")]),
            &[0u8; 16],
        );
        assert_eq!(
            cosmwasm_std::HexBinary::from(c.to_vec()).to_hex(),
            "6d88fa0ac265bebe8cf3d0df1dc8c0722d2188df1c243ac34c829a1ffc9d09f3"
        );
    }
}
