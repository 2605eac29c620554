//! The storage floor of each heavy operation: the reads and writes it cannot avoid with a
//! minimal state layout, plus the contract instances it cannot avoid loading, priced by the
//! same model as the measurements ([`StoreCount::sdk_gas`], [`price::INSTANCE_LOAD`]).
//! Computation is left out of the floor, so measured/floor also shows what the maths adds.
//!
//! The minimal layout assumed by every floor (the report prints each operation's part as
//! a footnote):
//! - numbers are 9 bytes (a raw fixed-point value below 4.6 in magnitude as a zigzag varint,
//!   what the compact records write), actor ids 4 bytes, owners 32-byte canonical
//!   addresses; a list's ids are implied by the nonce's sorted id list, so a list of values
//!   is 9 bytes per entry;
//! - keys are a 1-byte namespace + the topic id (8) [+ nonce (8)] [+ actor (4) or an
//!   address (32)] [+ a 1-byte table tag], plus wasmd's 33-byte contract prefix;
//! - synthesis keeps a local copy of each registration (as today) and of each reputer's
//!   stake (pushed by staking like registrations), so a submission loads synthesis alone;
//! - forecasts name `e = min(12, inferers)` inferers and only the named one-out
//!   forecast-implied pairs are kept (`forecasters × e`);
//! - every regret table of MATH.md §6.2 is kept whole (all of them are read by a worker
//!   close and read and rewritten by a reputer close: every entry is re-blended each
//!   epoch), all in one record; an actor's own regrets take a number each, and an entry of
//!   a pair table 1 byte: what is left of it when it is written as its residue from a
//!   prediction that is exact (synthesis's hot regret record), since every entry changes
//!   every epoch and a byte-aligned record cannot write a changed entry in less;
//! - the forecasters are also inferers (as in the bench), so the workers are the inferers.

use crate::storage::{price, StoreCount};

const V: u64 = 9;
/// An entry of a regret pair table (see the module notes).
const PAIR_ENTRY: u64 = 1;
const ID: u64 = 4;
const ADDR: u64 = 32;
/// Keys as the contract writes them (wasmd's prefix is added by [`Floor`]).
const K_TOPIC: u64 = 1 + 8;
const K_TABLE: u64 = K_TOPIC + 1;
const K_ACTOR: u64 = K_TOPIC + ID;
const K_NONCE: u64 = K_TOPIC + 8;
const K_SET: u64 = K_NONCE + 1;
const K_MEMBER: u64 = K_NONCE + ID;
const K_ADDR: u64 = 1 + ADDR;
/// A topic record: clock, windows, parameters, latest loss, initial regret, quantiles.
const TOPIC: u64 = 128;
/// A registration copy: actor id and role.
const REGISTRATION: u64 = ID + 1;
/// The admission summary of one class of a nonce: member count, lowest EMA and its actor.
const SET_SUMMARY: u64 = ID + V + ID;

/// The active set an operation runs with: inferers, forecasters, reputers.
#[derive(Clone, Copy, Debug)]
pub struct Size {
    pub inferers: u64,
    pub forecasters: u64,
    pub reputers: u64,
}

impl Size {
    pub fn new((ni, nf, nr): (u32, u32, u32)) -> Self {
        Size {
            inferers: ni.into(),
            forecasters: nf.into(),
            reputers: nr.into(),
        }
    }
    /// Elements per forecast.
    fn e(&self) -> u64 {
        self.inferers.min(12)
    }
    /// A loss bundle: combined, naive, per inferer, per forecaster, one-out inferers,
    /// one-out forecasters, one-in forecasters, the named one-out implied pairs.
    fn bundle(&self) -> u64 {
        let (ni, nf) = (self.inferers, self.forecasters);
        V * (2 + ni + nf + ni + nf + nf + nf * self.e())
    }
    /// Every regret value of MATH.md §6.2: inferer, naive, forecaster, one-in self (a
    /// number each); the one-out inferer (×inferers, ×forecasters), one-out forecaster
    /// (×inferers, ×forecasters) and one-in (×inferers) tables (a pair entry each).
    fn regret_bytes(&self) -> u64 {
        let (ni, nf) = (self.inferers, self.forecasters);
        V * (2 * ni + 2 * nf) + PAIR_ENTRY * (ni * ni + ni * nf + nf * ni + nf * nf + nf * ni)
    }
    /// The nonce's sorted id lists (inferers, forecasters).
    fn ids(&self) -> u64 {
        ID * (self.inferers + self.forecasters)
    }
}

/// A floor: its store accesses, the instances it must load and the layout it assumes.
#[derive(Clone, Debug, Default)]
pub struct Floor {
    pub store: StoreCount,
    pub loads: u64,
    pub layout: String,
}

impl Floor {
    fn new(loads: u64, layout: &str) -> Self {
        Floor {
            loads,
            layout: layout.into(),
            ..Floor::default()
        }
    }
    fn read(mut self, n: u64, key: u64, value: u64) -> Self {
        self.store.reads += n;
        self.store.read_bytes += n * (price::CONTRACT_KEY_PREFIX + key + value);
        self
    }
    fn iter(mut self, n: u64, key: u64, value: u64) -> Self {
        self.store.iter_steps += n;
        self.store.iter_bytes += n * (price::CONTRACT_KEY_PREFIX + key + value);
        self
    }
    fn write(mut self, n: u64, key: u64, value: u64) -> Self {
        self.store.writes += n;
        self.store.write_bytes += n * (price::CONTRACT_KEY_PREFIX + key + value);
        self
    }
    /// Bytes of values read within records counted elsewhere.
    fn read_bytes(mut self, bytes: u64) -> Self {
        self.store.read_bytes += bytes;
        self
    }
    /// Bytes of values written within records counted elsewhere.
    fn write_bytes(mut self, bytes: u64) -> Self {
        self.store.write_bytes += bytes;
        self
    }
    fn delete(mut self, n: u64) -> Self {
        self.store.deletes += n;
        self
    }
    /// Read and write back.
    fn update(self, n: u64, key: u64, value: u64) -> Self {
        self.read(n, key, value).write(n, key, value)
    }
    pub fn sdk_gas(&self) -> u64 {
        self.store.sdk_gas() + self.loads * price::INSTANCE_LOAD
    }
}

/// A worker's payload (an inference and a forecast) on an open nonce whose set has room.
pub fn worker_payload(s: Size) -> Floor {
    let payload = V + ID + s.e() * (ID + V) + ADDR;
    Floor::new(
        1,
        "synthesis alone; reads the topic record, the sender's registration copy, its two \
         score EMAs (one record), the admission summary of each class (count, lowest EMA) \
         and its payload key (duplicate check); writes the payload (inference, the forecast \
         as id + value pairs, the owner) and both admission summaries",
    )
    .read(1, K_TOPIC, TOPIC)
    .read(1, K_ADDR, REGISTRATION)
    .read(1, K_ACTOR, 2 * V)
    .read(2, K_SET, SET_SUMMARY)
    .read(1, K_MEMBER, 0)
    .write(1, K_MEMBER, payload)
    .write(2, K_SET, SET_SUMMARY)
}

/// A reputer's loss bundle.
pub fn reputer_bundle(s: Size) -> Floor {
    Floor::new(
        1,
        "synthesis alone; reads the topic record, the registration and stake copies, the \
         reputer's score EMA, the reputer admission summary, the nonce's id lists (to check \
         the bundle's shape) and its bundle key; writes the bundle (9 bytes per loss, the \
         named one-out pairs only, with the stake and owner) and the admission summary",
    )
    .read(1, K_TOPIC, TOPIC)
    .read(1, K_ADDR, REGISTRATION)
    .read(1, K_ACTOR, V)
    .read(1, K_ACTOR, V)
    .read(1, K_SET, SET_SUMMARY)
    .read(1, K_NONCE, s.ids())
    .read(1, K_MEMBER, 0)
    .write(1, K_MEMBER, s.bundle() + V + ADDR)
    .write(1, K_SET, SET_SUMMARY)
}

/// The close of a worker window (steady state: the weighted path).
pub fn worker_close(s: Size) -> Floor {
    let (ni, nf) = (s.inferers, s.forecasters);
    let forecast = s.e() * (ID + V);
    let inference = V * (2 + nf + ni + nf + nf + nf * s.e() + 5);
    Floor::new(
        1,
        "synthesis alone; reads and writes the topic record, iterates the payloads once, \
         reads every regret table of §5 (one record); writes the network inference (combined, \
         naive, forecast-implied, one-out, one-in, the named one-out implied pairs, 5 error \
         bars) and the nonce's id lists",
    )
    .update(1, K_TOPIC, TOPIC)
    .iter(ni, K_MEMBER, V + ID + ADDR)
    .iter(nf, 0, forecast)
    .read(1, K_TOPIC, 0)
    .read_bytes(s.regret_bytes())
    .write(1, K_NONCE, inference)
    .write(1, K_NONCE, s.ids())
}

/// The close of a reputer window (steady state: one-out values and regrets exist).
pub fn reputer_close(s: Size) -> Floor {
    let (ni, nf, nr) = (s.inferers, s.forecasters, s.reputers);
    let scores = V * (ni + nf + nr + 1) + V * nr + ADDR * (ni + nr);
    Floor::new(
        1,
        "synthesis alone (stakes recorded in the bundles); reads and writes the topic \
         record; reads the nonce's id lists; iterates the bundles; reads and rewrites every \
         regret table (one record), the score EMAs with inclusion counts (one record per \
         class, 13 bytes per actor) and the listening coefficients (one record); writes the \
         network losses (one bundle) and the epoch's scores with the stakes and owners \
         settlement needs",
    )
    .update(1, K_TOPIC, TOPIC)
    .read(1, K_NONCE, s.ids())
    .iter(nr, K_MEMBER, s.bundle() + V + ADDR)
    .update(1, K_TOPIC, 0)
    .read_bytes(s.regret_bytes())
    .write_bytes(s.regret_bytes())
    .update(1, K_TABLE, (ni) * (V + ID))
    .update(1, K_TABLE, (nf) * (V + ID))
    .update(1, K_TABLE, (nr) * (V + ID))
    .update(1, K_TOPIC, nr * V)
    .write(1, K_NONCE, s.bundle())
    .write(1, K_NONCE, scores)
}

/// Settlement of one scored epoch, with delegators behind every reputer.
pub fn settlement(s: Size) -> Floor {
    let (ni, nf, nr) = (s.inferers, s.forecasters, s.reputers);
    let scores = V * (ni + nf + nr + 1) + V * nr + ADDR * (ni + nr);
    Floor::new(
        5,
        "reward-distribution, synthesis's scores record read raw (the epoch's scores with \
         stakes and owners: no synthesis instance), one staking query (the topic's stake), \
         one fee-vault query (revenue and treasury), the fee-vault draw and the staking \
         deposit for delegators; reward-distribution reads its config and the registry's \
         parameters (raw) and reads and writes its totals, the topic state, the month's \
         emission record, the smoothed fractions (one record per class) and the claimable \
         balance of every paid owner, and writes the epoch's reward record; fee-vault reads \
         and writes the treasury; staking reads and writes each reputer's delegation pool",
    )
    .read(1, K_TOPIC, 256)
    .update(1, K_TOPIC, 64)
    .update(1, K_TOPIC, 128)
    .update(1, K_TOPIC, 64)
    .update(1, K_TABLE, ni * V)
    .update(1, K_TABLE, nf * V)
    .update(1, K_TABLE, nr * V)
    .update(ni + nr, K_ADDR, V)
    .write(1, K_NONCE, 23 * V)
    .read(1, K_NONCE, scores)
    .read(1, K_NONCE, 2 * V)
    .update(1, K_TOPIC, V)
    .update(nr, K_TOPIC + ADDR, 2 * V)
}

/// A pull claim of one owner's balance.
pub fn claim() -> Floor {
    Floor::new(
        1,
        "reward-distribution alone; reads and removes the owner's claimable balance",
    )
    .read(1, K_ADDR, V)
    .delete(1)
}

/// A dApp's pay-per-read on the fee vault.
pub fn pay_per_read() -> Floor {
    Floor::new(
        1,
        "fee-vault alone; reads the topic's fee terms, reads and writes the epoch's revenue",
    )
    .read(1, K_TOPIC, 2 * V)
    .update(1, K_NONCE, V)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floors_grow_with_the_active_set_and_price_like_the_meter() {
        let small = Size::new((8, 2, 2));
        let large = Size::new((128, 24, 24));
        for f in [
            worker_payload,
            reputer_bundle,
            worker_close,
            reputer_close,
            settlement,
        ] {
            assert!(f(large).sdk_gas() > f(small).sdk_gas());
            assert!(f(small).sdk_gas() > price::INSTANCE_LOAD);
        }
        // a regret table of 128 x 128 entries alone is read at 3 gas per byte
        assert!(worker_close(large).store.read_bytes > 128 * 128);
        assert_eq!(
            pay_per_read().sdk_gas(),
            60_000
                + 1_000
                + 3 * (33 + 9 + 18)
                + 1_000
                + 3 * (33 + 17 + 9)
                + 2_000
                + 30 * (33 + 17 + 9)
        );
    }
}
