//! A small deterministic PRNG (SplitMix64) with uniform and normal draws: the same seed
//! gives the same stream on every platform (integer arithmetic, IEEE-754 doubles).
//! Hand-written on purpose: the streams are part of every scenario's expected output, so
//! they must not change with a dependency's version.

use std::collections::BTreeMap;

#[derive(Clone, Debug)]
pub struct Rng {
    state: u64,
    spare: Option<f64>,
}

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng {
            state: seed ^ 0x9E37_79B9_7F4A_7C15,
            spare: None,
        }
    }

    /// An independent stream derived from this seed and a label.
    pub fn derive(seed: u64, label: &str) -> Self {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in label.bytes() {
            h ^= b as u64;
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
        Rng::new(seed.wrapping_mul(0xD6E8_FEB8_6659_FD93) ^ h)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    pub fn uniform(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    pub fn chance(&mut self, p: f64) -> bool {
        self.uniform() < p
    }

    /// Standard normal (Marsaglia polar method).
    pub fn normal(&mut self) -> f64 {
        if let Some(s) = self.spare.take() {
            return s;
        }
        loop {
            let u = 2.0 * self.uniform() - 1.0;
            let v = 2.0 * self.uniform() - 1.0;
            let s = u * u + v * v;
            if s > 0.0 && s < 1.0 {
                let m = (-2.0 * s.ln() / s).sqrt();
                self.spare = Some(v * m);
                return u * m;
            }
        }
    }
}

/// Named streams of one seed, each derived on first use: an actor's draws do not depend
/// on how many draws another actor made.
#[derive(Clone, Debug)]
pub struct Streams {
    seed: u64,
    streams: BTreeMap<String, Rng>,
}

impl Streams {
    pub fn new(seed: u64) -> Self {
        Streams {
            seed,
            streams: BTreeMap::new(),
        }
    }

    /// The stream named `label` (e.g. `inferer/<topic>/<name>`).
    pub fn get(&mut self, label: String) -> &mut Rng {
        let seed = self.seed;
        self.streams
            .entry(label)
            .or_insert_with_key(|label| Rng::derive(seed, label))
    }

    /// The secret salt of `actor`'s commitment for `nonce` of topic `topic`: 32 bytes of
    /// its own stream of this seed, derived on the spot and not kept, so committing draws
    /// nothing from the named streams (a run with commit–reveal sees the same world and
    /// models as one without) and a salt does not depend on the actor's earlier epochs.
    pub fn salt(&self, topic: u64, actor: &str, nonce: u64) -> [u8; 32] {
        let mut rng = Rng::derive(self.seed, &format!("salt/{topic}/{actor}/{nonce}"));
        let mut salt = [0u8; 32];
        for chunk in salt.chunks_mut(8) {
            chunk.copy_from_slice(&rng.next_u64().to_be_bytes());
        }
        salt
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_stream() {
        let mut a = Rng::new(7);
        let mut b = Rng::new(7);
        for _ in 0..100 {
            assert_eq!(a.next_u64(), b.next_u64());
        }
        let mut n = Rng::derive(1, "x");
        let m: f64 = (0..20_000).map(|_| n.normal()).sum::<f64>() / 20_000.0;
        assert!(m.abs() < 0.05);
    }

    #[test]
    fn a_salt_is_fixed_by_seed_topic_actor_and_nonce_and_draws_from_no_stream() {
        let mut s = Streams::new(3);
        let before = s.get("inferer/1/a".into()).clone().next_u64();
        let salt = s.salt(1, "a", 5);
        assert_eq!(salt, Streams::new(3).salt(1, "a", 5));
        for other in [
            Streams::new(4).salt(1, "a", 5),
            s.salt(2, "a", 5),
            s.salt(1, "b", 5),
            s.salt(1, "a", 6),
        ] {
            assert_ne!(salt, other);
        }
        assert_eq!(s.get("inferer/1/a".into()).next_u64(), before);
    }
}
