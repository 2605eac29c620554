//! Salts of commit–reveal topics (docs/PROTOCOL.md "Commit–reveal"): a worker commits to
//! `payload_commitment(topic, nonce, address, payload, salt)` in the worker window and shows
//! the payload and the salt in the reveal window.
//!
//! The salt is what keeps a payload drawn from a small set of values from being guessed
//! from its commitment before the reveal, so it must be secret until then, and fresh for
//! every nonce (each one becomes public at its reveal). The node does not draw it at random
//! and store it: it derives it, with HMAC-SHA-256, from a secret of the key and the nonce's
//! coordinates:
//!
//! ```text
//! salt_key = HMAC-SHA-256(key = "nous-node/commit-reveal/salt-key/v1",
//!                         msg = len ‖ mnemonic ‖ hd_index)            (once, at start)
//! salt     = HMAC-SHA-256(key = salt_key,
//!                         msg = "nous-node/commit-reveal/salt/v1" ‖ len ‖ chain_id
//!                               ‖ len ‖ synthesis address ‖ len ‖ worker address
//!                               ‖ topic_id ‖ nonce)                   (32 bytes)
//! ```
//!
//! (lengths u32 and integers u64, big-endian). So:
//! - nothing secret is written to the state file: the salt is recomputed when the reveal is
//!   sent, after a restart too, and even after a lost state file (a payload asked again
//!   from a deterministic source then reproduces the commitment on chain);
//! - only the holder of the key's mnemonic can compute a salt (HMAC is a PRF: a revealed
//!   salt tells nothing of another nonce's);
//! - salts never repeat across chains, deployments (the synthesis address), keys, topics
//!   and nonces;
//! - the mnemonic itself is not kept: `salt_key` is a one-way image of it (the signing key
//!   proper stays inside nous-rpc).

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// Domain of the salt key (the HMAC key of the extraction from the mnemonic).
const SALT_KEY_DOMAIN: &[u8] = b"nous-node/commit-reveal/salt-key/v1";
/// Domain of each salt (the first bytes of its HMAC message).
const SALT_DOMAIN: &[u8] = b"nous-node/commit-reveal/salt/v1";
/// Bytes of a salt (synthesis takes 16 to 64).
pub const SALT_BYTES: usize = 32;

/// HMAC-SHA-256 (RFC 2104) of the concatenation of `parts` under `key`.
pub fn hmac_sha256(key: &[u8], parts: &[&[u8]]) -> [u8; 32] {
    // HMAC takes a key of any length (a long one is hashed first)
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key).expect("HMAC takes any key length");
    for p in parts {
        mac.update(p);
    }
    mac.finalize().into_bytes().into()
}

fn len(s: &str) -> [u8; 4] {
    // chain ids and addresses are far below 4 GiB
    (s.len() as u32).to_be_bytes()
}

/// The secret the salts of one key are derived from. Its `Debug` never shows it.
#[derive(Clone)]
pub struct SaltKey([u8; 32]);

impl std::fmt::Debug for SaltKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SaltKey(..)")
    }
}

impl SaltKey {
    /// The salt key of the key at HD index `index` of `mnemonic` (its words normalised as
    /// nous-rpc reads them: split on white space, joined by one space).
    pub fn from_mnemonic(mnemonic: &str, index: u32) -> SaltKey {
        let words = mnemonic.split_whitespace().collect::<Vec<_>>().join(" ");
        SaltKey(hmac_sha256(
            SALT_KEY_DOMAIN,
            &[&len(&words), words.as_bytes(), &index.to_be_bytes()],
        ))
    }

    /// A salt key from its bytes (tests).
    pub fn from_bytes(secret: [u8; 32]) -> SaltKey {
        SaltKey(secret)
    }

    /// The salt of `worker`'s payload for (`topic_id`, `nonce`) on `chain_id`'s deployment
    /// whose synthesis is `synthesis`.
    pub fn salt(
        &self,
        chain_id: &str,
        synthesis: &str,
        worker: &str,
        topic_id: u64,
        nonce: u64,
    ) -> [u8; SALT_BYTES] {
        hmac_sha256(
            &self.0,
            &[
                SALT_DOMAIN,
                &len(chain_id),
                chain_id.as_bytes(),
                &len(synthesis),
                synthesis.as_bytes(),
                &len(worker),
                worker.as_bytes(),
                &topic_id.to_be_bytes(),
                &nonce.to_be_bytes(),
            ],
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use nous_types::synthesis::commitment::{MAX_SALT_BYTES, MIN_SALT_BYTES};

    fn hex(b: &[u8]) -> String {
        b.iter().map(|x| format!("{x:02x}")).collect()
    }

    #[test]
    fn hmac_matches_the_rfc_4231_vectors() {
        assert_eq!(
            hex(&hmac_sha256(&[0x0b; 20], &[b"Hi There"])),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"
        );
        assert_eq!(
            hex(&hmac_sha256(
                b"Jefe",
                &[b"what do ya ", b"want for nothing?"]
            )),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        // a key longer than the block is hashed first (test case 6)
        assert_eq!(
            hex(&hmac_sha256(
                &[0xaa; 131],
                &[b"Test Using Larger Than Block-Size Key - Hash Key First"]
            )),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"
        );
    }

    #[test]
    fn salts_are_reproducible_and_distinct_per_nonce_topic_key_and_chain() {
        let words = "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about";
        let k = SaltKey::from_mnemonic(words, 0);
        let salt = |k: &SaltKey, chain: &str, syn: &str, who: &str, t: u64, n: u64| {
            k.salt(chain, syn, who, t, n)
        };
        let base = salt(&k, "c-1", "wasm1syn", "wasm1me", 1, 5);
        assert!((MIN_SALT_BYTES..=MAX_SALT_BYTES).contains(&base.len()));
        // the same inputs, the same salt: after a restart too (white space does not count)
        let again = SaltKey::from_mnemonic(&format!("  {}\n", words.replace(' ', "  ")), 0);
        assert_eq!(base, salt(&again, "c-1", "wasm1syn", "wasm1me", 1, 5));
        let others = [
            salt(&k, "c-1", "wasm1syn", "wasm1me", 1, 6),
            salt(&k, "c-1", "wasm1syn", "wasm1me", 2, 5),
            salt(&k, "c-1", "wasm1syn", "wasm1other", 1, 5),
            salt(&k, "c-1", "wasm1syn2", "wasm1me", 1, 5),
            salt(&k, "c-2", "wasm1syn", "wasm1me", 1, 5),
            salt(
                &SaltKey::from_mnemonic(words, 1),
                "c-1",
                "wasm1syn",
                "wasm1me",
                1,
                5,
            ),
        ];
        for (i, o) in others.iter().enumerate() {
            assert_ne!(&base, o, "variant {i}");
        }
        assert_eq!(format!("{k:?}"), "SaltKey(..)");
    }
}
