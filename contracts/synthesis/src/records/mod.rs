//! The three large per-nonce records, stored as a small JSON head plus a compact binary
//! body (`codec`): the network inference, reputer bundles and the network losses.
//!
//! Key layout:
//! - `inference`  (topic_id, nonce) -> InferenceHead (JSON); `inference_body` -> binary
//! - `bundles`    (topic_id, nonce, reputer actor) -> BundleHead (JSON); `bundle_body` -> binary
//!   (no body when the reputer was not admitted or was evicted)
//! - `net_losses` (topic_id, nonce) -> LossesHead (JSON); `net_losses_body2` -> binary
//! - `latest_value` topic_id -> binary `LatestValue` of the topic's newest network inference,
//!   written with it, so the consumers' compact read loads one small record per topic
//!
//! Bodies keep every list in its order, so a record reads back exactly as it was written.
//!
//! Format changes to carry into the first migration (nothing is deployed yet):
//! `InferenceHead` gained `computed_at_time` (a record without it reads as time 0), and
//! `latest_value` is new (a topic whose newest inference predates it has no record until its
//! next worker-window close: a migration writes it from `latest_inference_nonce`).

use cosmwasm_schema::cw_serde;
use cosmwasm_std::{Addr, Order, StdError, Storage, Uint128};
use cw_storage_plus::Map;
use nous_types::synthesis::{
    InferencePath, LatestValue, LossBundle, NetworkInference, NetworkLossesResponse, ReputerWeight,
};
use nous_types::HeightWindow;

use crate::codec::{namespace_records, topic_nonce_key, RawMap, Reader, Writer};
use crate::error::ContractError;

mod body;

pub use body::migrate_bodies;
use body::{
    decode_bundle, decode_fixed_width_bundle, decode_inference_body, decode_network_losses,
    encode_bundle, encode_inference_body, encode_network_losses, read_error_bars, write_error_bars,
};

// ---------------------------------------------------------------- network inference

#[cw_serde]
struct InferenceHead {
    epoch_start: u64,
    worker_window: HeightWindow,
    computed_at: u64,
    #[serde(default)]
    computed_at_time: u64,
    path: InferencePath,
}

const INFERENCE_HEAD: Map<(u64, u64), InferenceHead> = Map::new("inference");
const INFERENCE_BODY: RawMap<(u64, u64)> = RawMap::new("inference_body");

pub fn save_inference(
    storage: &mut dyn Storage,
    ni: &NetworkInference,
) -> Result<(), ContractError> {
    let key = (ni.topic_id, ni.nonce);
    let head = InferenceHead {
        epoch_start: ni.epoch_start,
        worker_window: ni.worker_window,
        computed_at: ni.computed_at,
        computed_at_time: ni.computed_at_time,
        path: ni.path,
    };
    INFERENCE_HEAD.save(storage, key, &head)?;
    INFERENCE_BODY.set(storage, key, &encode_inference_body(ni));
    Ok(())
}

pub fn load_inference(
    storage: &dyn Storage,
    topic_id: u64,
    nonce: u64,
) -> Result<Option<NetworkInference>, ContractError> {
    let key = (topic_id, nonce);
    let Some(head) = INFERENCE_HEAD.may_load(storage, key)? else {
        return Ok(None);
    };
    let bytes = INFERENCE_BODY
        .get(storage, key)
        .ok_or_else(|| StdError::not_found("network inference body"))?;
    let body = decode_inference_body(&bytes)?;
    Ok(Some(NetworkInference {
        topic_id,
        nonce,
        epoch_start: head.epoch_start,
        worker_window: head.worker_window,
        computed_at: head.computed_at,
        computed_at_time: head.computed_at_time,
        path: head.path,
        combined: body.combined,
        naive: body.naive,
        inferences: body.inferences,
        forecast_implied: body.forecast_implied,
        one_out_inferers: body.one_out_inferers,
        one_out_forecasters: body.one_out_forecasters,
        one_in_forecasters: body.one_in_forecasters,
        one_out_implied: body.one_out_implied,
        error_bars: body.error_bars,
    }))
}

// ---------------------------------------------------------------- latest value

const LATEST_VALUE: RawMap<u64> = RawMap::new("latest_value");

fn path_tag(path: InferencePath) -> u8 {
    match path {
        InferencePath::Single => 0,
        InferencePath::NoLossYet => 1,
        InferencePath::Full { all_new: false } => 2,
        InferencePath::Full { all_new: true } => 3,
    }
}

fn path_of(tag: u8) -> Result<InferencePath, ContractError> {
    Ok(match tag {
        0 => InferencePath::Single,
        1 => InferencePath::NoLossYet,
        2 => InferencePath::Full { all_new: false },
        3 => InferencePath::Full { all_new: true },
        _ => return Err(nous_types::codec::corrupt().into()),
    })
}

/// The compact read of a network inference, as `save_latest_value` stores it.
pub fn latest_value_of(ni: &NetworkInference) -> LatestValue {
    LatestValue {
        topic_id: ni.topic_id,
        nonce: ni.nonce,
        value: ni.combined,
        error_bars: ni.error_bars.clone(),
        path: ni.path,
        // the active set is capped far below u32::MAX (`max_inferers` is a u32)
        inferers: u32::try_from(ni.inferences.len()).unwrap_or(u32::MAX),
        worker_window_end: ni.worker_window.end,
        computed_at: ni.computed_at,
        computed_at_time: ni.computed_at_time,
    }
}

/// Makes `value` its topic's latest value (about 230 bytes with five error bars).
pub fn save_latest_value(storage: &mut dyn Storage, value: &LatestValue) {
    let mut w = Writer::default();
    w.u64(value.nonce);
    w.u64(value.worker_window_end);
    w.u64(value.computed_at);
    w.u64(value.computed_at_time);
    w.u8(path_tag(value.path));
    w.u32(value.inferers);
    w.dec(value.value);
    write_error_bars(&mut w, &value.error_bars);
    LATEST_VALUE.set(storage, value.topic_id, &w.into_bytes());
}

pub fn load_latest_value(
    storage: &dyn Storage,
    topic_id: u64,
) -> Result<Option<LatestValue>, ContractError> {
    let Some(bytes) = LATEST_VALUE.get(storage, topic_id) else {
        return Ok(None);
    };
    let mut r = Reader::new(&bytes);
    let value = LatestValue {
        topic_id,
        nonce: r.u64()?,
        worker_window_end: r.u64()?,
        computed_at: r.u64()?,
        computed_at_time: r.u64()?,
        path: path_of(r.u8()?)?,
        inferers: r.u32()?,
        value: r.dec()?,
        error_bars: read_error_bars(&mut r)?,
    };
    r.end()?;
    Ok(Some(value))
}

// ---------------------------------------------------------------- reputer bundles

/// A reputer's submission with the stake it had as of the window's first block. `bundle`
/// is `None` when the reputer was not admitted (or was evicted by a better one): the record
/// still marks its one submission for the nonce.
#[cw_serde]
pub struct StoredBundle {
    pub address: Addr,
    /// The registration's owner when it submitted.
    pub owner: Addr,
    pub submitted_at: u64,
    pub stake: Uint128,
    pub bundle: Option<LossBundle>,
}

#[cw_serde]
struct BundleHead {
    address: Addr,
    owner: Addr,
    submitted_at: u64,
    stake: Uint128,
}

const BUNDLE_HEAD: Map<(u64, u64, u32), BundleHead> = Map::new("bundles");
const BUNDLE_BODY: RawMap<(u64, u64, u32)> = RawMap::new("bundle_body");

pub fn has_bundle(storage: &dyn Storage, key: (u64, u64, u32)) -> bool {
    BUNDLE_HEAD.has(storage, key)
}

pub fn save_bundle(
    storage: &mut dyn Storage,
    key: (u64, u64, u32),
    stored: &StoredBundle,
) -> Result<(), ContractError> {
    let head = BundleHead {
        address: stored.address.clone(),
        owner: stored.owner.clone(),
        submitted_at: stored.submitted_at,
        stake: stored.stake,
    };
    BUNDLE_HEAD.save(storage, key, &head)?;
    match &stored.bundle {
        Some(b) => BUNDLE_BODY.set(storage, key, &encode_bundle(b)),
        None => BUNDLE_BODY.remove(storage, key),
    }
    Ok(())
}

/// Drops the bundle of an evicted reputer (its head stays: it submitted for the nonce).
pub fn drop_bundle_body(storage: &mut dyn Storage, key: (u64, u64, u32)) {
    BUNDLE_BODY.remove(storage, key)
}

pub fn load_bundle(
    storage: &dyn Storage,
    key: (u64, u64, u32),
) -> Result<Option<StoredBundle>, ContractError> {
    let Some(head) = BUNDLE_HEAD.may_load(storage, key)? else {
        return Ok(None);
    };
    let bundle = BUNDLE_BODY
        .get(storage, key)
        .map(|bytes| decode_bundle(&bytes))
        .transpose()?;
    Ok(Some(StoredBundle {
        address: head.address,
        owner: head.owner,
        submitted_at: head.submitted_at,
        stake: head.stake,
        bundle,
    }))
}

/// Up to `limit` reputers with a bundle record in a nonce.
pub fn bundle_reputers(
    storage: &dyn Storage,
    topic_id: u64,
    nonce: u64,
    limit: usize,
) -> Result<Vec<u32>, ContractError> {
    Ok(BUNDLE_HEAD
        .prefix((topic_id, nonce))
        .keys(storage, None, None, Order::Ascending)
        .take(limit)
        .collect::<Result<Vec<_>, _>>()?)
}

pub fn remove_bundle(storage: &mut dyn Storage, key: (u64, u64, u32)) {
    BUNDLE_HEAD.remove(storage, key);
    BUNDLE_BODY.remove(storage, key);
}

/// Removes the network inference and the network losses of a nonce.
pub fn remove_results(storage: &mut dyn Storage, topic_id: u64, nonce: u64) {
    let key = (topic_id, nonce);
    INFERENCE_HEAD.remove(storage, key);
    INFERENCE_BODY.remove(storage, key);
    LOSSES_HEAD.remove(storage, key);
    LOSSES_BODY.remove(storage, key);
}

// ---------------------------------------------------------------- network losses

#[cw_serde]
struct LossesHead {
    reputers: Vec<ReputerWeight>,
}

const LOSSES_HEAD: Map<(u64, u64), LossesHead> = Map::new("net_losses");
/// The body in its second form: each one-out implied loss written against its forecaster's
/// loss (`body::encode_network_losses`); the first forms' namespace, `net_losses_body`, is
/// read by `migrate` only.
const LOSSES_BODY: RawMap<(u64, u64)> = RawMap::new("net_losses_body2");

pub fn save_network_losses(
    storage: &mut dyn Storage,
    losses: &NetworkLossesResponse,
) -> Result<(), ContractError> {
    let key = (losses.topic_id, losses.nonce);
    let head = LossesHead {
        reputers: losses.reputers.clone(),
    };
    LOSSES_HEAD.save(storage, key, &head)?;
    LOSSES_BODY.set(storage, key, &encode_network_losses(&losses.losses));
    Ok(())
}

pub fn load_network_losses(
    storage: &dyn Storage,
    topic_id: u64,
    nonce: u64,
) -> Result<Option<NetworkLossesResponse>, ContractError> {
    let key = (topic_id, nonce);
    let Some(head) = LOSSES_HEAD.may_load(storage, key)? else {
        return Ok(None);
    };
    let bytes = LOSSES_BODY
        .get(storage, key)
        .ok_or_else(|| StdError::not_found("network losses body"))?;
    Ok(Some(NetworkLossesResponse {
        topic_id,
        nonce,
        losses: decode_network_losses(&bytes)?,
        reputers: head.reputers,
    }))
}

/// The namespace of the network-loss bodies in their first forms (fixed-width, then
/// compact), which only `migrate` reads now.
const OLD_LOSSES_BODY: &[u8] = b"net_losses_body";

/// `migrate`: moves every network-loss body of the first forms (fixed-width or compact,
/// told apart by whether it reads as compact, as `migrate_bodies` does) to `LOSSES_BODY` in
/// the second form, and removes it, so a second migrate finds nothing. Returns the number
/// moved.
pub fn migrate_network_losses(storage: &mut dyn Storage) -> Result<usize, ContractError> {
    let old = namespace_records(storage, OLD_LOSSES_BODY);
    for (key, value) in &old {
        let topic_nonce = topic_nonce_key(key, OLD_LOSSES_BODY)?;
        let losses = match decode_bundle(value) {
            Ok(losses) => losses,
            Err(_) => decode_fixed_width_bundle(value)?,
        };
        LOSSES_BODY.set(storage, topic_nonce, &encode_network_losses(&losses));
        storage.remove(key);
    }
    Ok(old.len())
}

#[cfg(test)]
mod tests {
    use super::body::{write_values, write_withheld};
    use super::*;
    use cosmwasm_std::testing::MockStorage;
    use cosmwasm_std::{Decimal, SignedDecimal};
    use nous_types::synthesis::{PercentileValue, WithheldValue, WorkerValue};

    fn v(worker: u32, raw: i128) -> WorkerValue {
        WorkerValue {
            worker,
            value: SignedDecimal::raw(raw),
        }
    }

    fn bundle() -> LossBundle {
        LossBundle {
            combined: SignedDecimal::raw(-3),
            naive: SignedDecimal::raw(i128::MAX),
            inferers: vec![v(5, 1), v(2, -2)],
            forecasters: vec![v(9, 3)],
            one_out_inferers: vec![],
            one_out_forecasters: vec![v(9, i128::MIN)],
            one_in_forecasters: vec![v(9, 0)],
            one_out_implied: vec![WithheldValue {
                withheld: 5,
                forecaster: 9,
                value: SignedDecimal::raw(7),
            }],
        }
    }

    fn inference() -> NetworkInference {
        NetworkInference {
            topic_id: 1,
            nonce: 2,
            epoch_start: 10,
            worker_window: HeightWindow { start: 10, end: 14 },
            computed_at: 14,
            computed_at_time: 1_700_000_070,
            path: InferencePath::Full { all_new: false },
            combined: SignedDecimal::raw(1),
            naive: SignedDecimal::raw(i128::MIN),
            inferences: vec![v(1, 1), v(0, 4)],
            forecast_implied: vec![v(3, 3)],
            one_out_inferers: vec![v(0, 5), v(1, i128::MAX)],
            one_out_forecasters: vec![],
            one_in_forecasters: vec![],
            one_out_implied: bundle().one_out_implied,
            error_bars: vec![
                PercentileValue {
                    percentile: Decimal::percent(50),
                    value: SignedDecimal::raw(-9),
                },
                PercentileValue {
                    percentile: Decimal::MAX,
                    value: SignedDecimal::raw(0),
                },
            ],
        }
    }

    /// The fixed-width inference body before the compact one (for the migration test).
    fn encode_fixed_width_inference_body(ni: &NetworkInference) -> Vec<u8> {
        let mut w = Writer::default();
        w.dec(ni.combined);
        w.dec(ni.naive);
        for list in [
            &ni.inferences,
            &ni.forecast_implied,
            &ni.one_out_inferers,
            &ni.one_out_forecasters,
            &ni.one_in_forecasters,
        ] {
            write_values(&mut w, list);
        }
        write_withheld(&mut w, &ni.one_out_implied);
        write_error_bars(&mut w, &ni.error_bars);
        w.into_bytes()
    }

    /// The fixed-width bundle format before the compact one (for the migration test).
    fn encode_fixed_width_bundle(b: &LossBundle) -> Vec<u8> {
        let mut w = Writer::default();
        w.dec(b.combined);
        w.dec(b.naive);
        for list in [
            &b.inferers,
            &b.forecasters,
            &b.one_out_inferers,
            &b.one_out_forecasters,
            &b.one_in_forecasters,
        ] {
            write_values(&mut w, list);
        }
        write_withheld(&mut w, &b.one_out_implied);
        w.into_bytes()
    }

    #[test]
    fn compact_bundles_are_about_half_and_refuse_corrupt_records() {
        // a dense 32-inferer bundle with losses around 0.01-1: ~11 bytes a value, not 20
        let values: Vec<WorkerValue> = (0..32)
            .map(|w| v(w, 10_000_000_000_000_000 * i128::from(w + 1)))
            .collect();
        let b = LossBundle {
            inferers: values.clone(),
            one_out_inferers: values,
            ..bundle()
        };
        let compact = encode_bundle(&b).len();
        let fixed = encode_fixed_width_bundle(&b).len();
        assert!(compact * 2 < fixed + 120, "{compact} vs {fixed}");
        assert_eq!(decode_bundle(&encode_bundle(&b)).unwrap(), b);
        // an id below 0 or above u32, a length beyond the bytes, trailing bytes
        let mut w = Writer::default();
        w.zigzag(0);
        w.zigzag(0);
        w.varint(1);
        w.zigzag(-1);
        w.zigzag(5);
        assert!(decode_bundle(&w.into_bytes()).is_err());
        let mut w = Writer::default();
        w.zigzag(0);
        w.zigzag(0);
        w.varint(1_000_000);
        assert!(decode_bundle(&w.into_bytes()).is_err());
        let mut bytes = encode_bundle(&b);
        bytes.push(0);
        assert!(decode_bundle(&bytes).is_err());
    }

    #[test]
    fn network_losses_take_a_few_bytes_a_pair_their_forecaster_did_not_name() {
        // 32 inferers, 6 forecasters, every pair listed; each forecaster named a third of the
        // inferers, and the other pairs carry exactly L_k
        let loss = |i: i128| 10_000_000_000_000_000 + 7_919_000_000_000 * i;
        let forecasters: Vec<WorkerValue> = (32..38).map(|k| v(k, loss(k.into()))).collect();
        let mut pairs = vec![];
        for k in 32..38u32 {
            for j in 0..32u32 {
                let named = (j + k) % 3 == 0;
                let raw = if named {
                    loss((j * k).into())
                } else {
                    loss(k.into())
                };
                pairs.push(WithheldValue {
                    withheld: j,
                    forecaster: k,
                    value: SignedDecimal::raw(raw),
                });
            }
        }
        let b = LossBundle {
            forecasters,
            one_out_implied: pairs,
            ..bundle()
        };
        let first = encode_bundle(&b).len();
        let second = encode_network_losses(&b).len();
        assert_eq!(
            decode_network_losses(&encode_network_losses(&b)).unwrap(),
            b
        );
        // 192 pairs of ~10 bytes each before; each of the 128 unnamed ones now takes 3 (its
        // two id steps and a zero)
        assert!(first - second >= 128 * 7, "{second} vs {first}");
        // a forecaster missing from the list, and extreme values, round-trip
        let mut odd = b.clone();
        odd.one_out_implied[0].forecaster = 99;
        odd.one_out_implied[1].value = SignedDecimal::raw(i128::MIN);
        assert_eq!(
            decode_network_losses(&encode_network_losses(&odd)).unwrap(),
            odd
        );
    }

    #[test]
    fn migrate_converts_fixed_width_bodies() {
        let mut st = MockStorage::new();
        let b = bundle();
        let stored = StoredBundle {
            address: Addr::unchecked("r"),
            owner: Addr::unchecked("o"),
            submitted_at: 3,
            stake: Uint128::new(5),
            bundle: Some(b.clone()),
        };
        save_bundle(&mut st, (1, 2, 7), &stored).unwrap();
        let losses = NetworkLossesResponse {
            topic_id: 1,
            nonce: 2,
            losses: b.clone(),
            reputers: vec![],
        };
        save_network_losses(&mut st, &losses).unwrap();
        let ni = inference();
        save_inference(&mut st, &ni).unwrap();
        // a second inference written by the current code, left alone
        let current = NetworkInference {
            nonce: 3,
            ..inference()
        };
        save_inference(&mut st, &current).unwrap();
        // network losses of nonce 3 in the compact first form
        let compact = NetworkLossesResponse {
            nonce: 3,
            ..losses.clone()
        };
        save_network_losses(&mut st, &compact).unwrap();
        // as the code before wrote them: the losses' bodies in the first forms' namespace
        let old_losses: RawMap<(u64, u64)> = RawMap::new("net_losses_body");
        BUNDLE_BODY.set(&mut st, (1, 2, 7), &encode_fixed_width_bundle(&b));
        for (nonce, body) in [(2, encode_fixed_width_bundle(&b)), (3, encode_bundle(&b))] {
            LOSSES_BODY.remove(&mut st, (1, nonce));
            old_losses.set(&mut st, (1, nonce), &body);
        }
        let old_body = encode_fixed_width_inference_body(&ni);
        INFERENCE_BODY.set(&mut st, (1, 2), &old_body);
        assert!(load_bundle(&st, (1, 2, 7)).is_err());
        assert!(load_inference(&st, 1, 2).is_err());
        assert!(load_network_losses(&st, 1, 2).is_err());
        assert_eq!(migrate_bodies(&mut st).unwrap(), (1, 1));
        assert_eq!(migrate_network_losses(&mut st).unwrap(), 2);
        assert!(old_losses.get(&st, (1, 2)).is_none() && old_losses.get(&st, (1, 3)).is_none());
        assert_eq!(load_bundle(&st, (1, 2, 7)).unwrap(), Some(stored));
        assert_eq!(load_network_losses(&st, 1, 2).unwrap(), Some(losses));
        assert_eq!(load_network_losses(&st, 1, 3).unwrap(), Some(compact));
        assert_eq!(load_inference(&st, 1, 2).unwrap(), Some(ni));
        assert_eq!(load_inference(&st, 1, 3).unwrap(), Some(current));
        let new_body = INFERENCE_BODY.get(&st, (1, 2)).unwrap();
        assert!(
            new_body.len() < old_body.len() / 2,
            "{} vs {}",
            new_body.len(),
            old_body.len()
        );
        // migrating again converts nothing
        assert_eq!(migrate_bodies(&mut st).unwrap(), (0, 0));
        assert_eq!(migrate_network_losses(&mut st).unwrap(), 0);
    }

    #[test]
    fn records_read_back_exactly() {
        let mut st = MockStorage::new();
        let b = bundle();
        assert_eq!(decode_bundle(&encode_bundle(&b)).unwrap(), b);
        assert!(decode_bundle(&encode_bundle(&b)[1..]).is_err());

        let ni = inference();
        save_inference(&mut st, &ni).unwrap();
        assert_eq!(load_inference(&st, 1, 2).unwrap(), Some(ni.clone()));
        assert_eq!(load_inference(&st, 1, 3).unwrap(), None);

        // the latest value of every path reads back; another topic has none
        assert_eq!(load_latest_value(&st, 1).unwrap(), None);
        for path in [
            InferencePath::Single,
            InferencePath::NoLossYet,
            InferencePath::Full { all_new: false },
            InferencePath::Full { all_new: true },
        ] {
            let lv = latest_value_of(&NetworkInference { path, ..ni.clone() });
            save_latest_value(&mut st, &lv);
            assert_eq!(load_latest_value(&st, 1).unwrap(), Some(lv));
        }
        let lv = load_latest_value(&st, 1).unwrap().unwrap();
        assert_eq!(
            (lv.nonce, lv.value, lv.inferers, lv.worker_window_end),
            (2, SignedDecimal::raw(1), 2, 14)
        );
        assert_eq!((lv.computed_at, lv.computed_at_time), (14, 1_700_000_070));
        assert_eq!(lv.error_bars, ni.error_bars);
        assert_eq!(load_latest_value(&st, 2).unwrap(), None);
        // an unknown path tag is refused, not misread
        // (4 heights and times, the path tag, inferers, value, an empty list: 57 bytes)
        let mut record = [0u8; 57];
        LATEST_VALUE.set(&mut st, 3, &record);
        let zero = load_latest_value(&st, 3).unwrap().unwrap();
        assert_eq!(
            (zero.path, zero.error_bars.len()),
            (InferencePath::Single, 0)
        );
        record[32] = 4;
        LATEST_VALUE.set(&mut st, 3, &record);
        assert!(load_latest_value(&st, 3).is_err());
        LATEST_VALUE.set(&mut st, 3, &record[..56]);
        assert!(load_latest_value(&st, 3).is_err());

        // an inference head written before `computed_at_time` existed reads as time 0
        let old_head = br#"{"epoch_start":10,"worker_window":{"start":10,"end":14},"computed_at":14,"path":"single"}"#;
        st.set(&INFERENCE_HEAD.key((1, 2)), old_head);
        let read = load_inference(&st, 1, 2).unwrap().unwrap();
        assert_eq!(
            (read.computed_at_time, read.path),
            (0, InferencePath::Single)
        );

        let key = (1, 2, 7);
        let mut sb = StoredBundle {
            address: Addr::unchecked("a"),
            owner: Addr::unchecked("o"),
            submitted_at: 3,
            stake: Uint128::new(10),
            bundle: Some(b),
        };
        save_bundle(&mut st, key, &sb).unwrap();
        assert!(has_bundle(&st, key));
        assert_eq!(load_bundle(&st, key).unwrap(), Some(sb.clone()));
        drop_bundle_body(&mut st, key);
        sb.bundle = None;
        assert_eq!(load_bundle(&st, key).unwrap(), Some(sb));

        let nl = NetworkLossesResponse {
            topic_id: 1,
            nonce: 2,
            losses: bundle(),
            reputers: vec![ReputerWeight {
                reputer: 7,
                address: Addr::unchecked("a"),
                stake: Uint128::new(10),
            }],
        };
        save_network_losses(&mut st, &nl).unwrap();
        assert_eq!(load_network_losses(&st, 1, 2).unwrap(), Some(nl));
    }
}
