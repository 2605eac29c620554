//! The three large per-nonce records, stored as a small JSON head plus a compact binary
//! body (`codec`): the network inference, reputer bundles and the network losses.
//!
//! Key layout:
//! - `inference`  (topic_id, nonce) -> InferenceHead (JSON); `inference_body` -> binary
//! - `bundles`    (topic_id, nonce, reputer actor) -> BundleHead (JSON); `bundle_body` -> binary
//!   (no body when the reputer was not admitted or was evicted)
//! - `net_losses` (topic_id, nonce) -> LossesHead (JSON); `net_losses_body` -> binary
//!
//! Bodies keep every list in its order, so a record reads back exactly as it was written.

use cosmwasm_schema::cw_serde;
use cosmwasm_std::{Addr, Decimal, Order, StdError, Storage, Uint128};
use cw_storage_plus::Map;
use nous_types::synthesis::{
    InferencePath, LossBundle, NetworkInference, NetworkLossesResponse, PercentileValue,
    ReputerWeight, WithheldValue, WorkerValue,
};
use nous_types::HeightWindow;

use crate::codec::{RawMap, Reader, Writer};
use crate::error::ContractError;

fn write_values(w: &mut Writer, values: &[WorkerValue]) {
    w.list(values, |w, v| {
        w.u32(v.worker);
        w.dec(v.value);
    });
}

fn read_values(r: &mut Reader) -> Result<Vec<WorkerValue>, ContractError> {
    r.list(|r| {
        Ok(WorkerValue {
            worker: r.u32()?,
            value: r.dec()?,
        })
    })
}

fn write_withheld(w: &mut Writer, values: &[WithheldValue]) {
    w.list(values, |w, v| {
        w.u32(v.withheld);
        w.u32(v.forecaster);
        w.dec(v.value);
    });
}

fn read_withheld(r: &mut Reader) -> Result<Vec<WithheldValue>, ContractError> {
    r.list(|r| {
        Ok(WithheldValue {
            withheld: r.u32()?,
            forecaster: r.u32()?,
            value: r.dec()?,
        })
    })
}

pub fn encode_bundle(b: &LossBundle) -> Vec<u8> {
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

pub fn decode_bundle(bytes: &[u8]) -> Result<LossBundle, ContractError> {
    let mut r = Reader::new(bytes);
    let b = LossBundle {
        combined: r.dec()?,
        naive: r.dec()?,
        inferers: read_values(&mut r)?,
        forecasters: read_values(&mut r)?,
        one_out_inferers: read_values(&mut r)?,
        one_out_forecasters: read_values(&mut r)?,
        one_in_forecasters: read_values(&mut r)?,
        one_out_implied: read_withheld(&mut r)?,
    };
    r.end()?;
    Ok(b)
}

// ---------------------------------------------------------------- network inference

#[cw_serde]
struct InferenceHead {
    epoch_start: u64,
    worker_window: HeightWindow,
    computed_at: u64,
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
        path: ni.path,
    };
    INFERENCE_HEAD.save(storage, key, &head)?;
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
    w.list(&ni.error_bars, |w, p| {
        w.u128(p.percentile.atomics().u128());
        w.dec(p.value);
    });
    INFERENCE_BODY.set(storage, key, &w.into_bytes());
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
    let mut r = Reader::new(&bytes);
    let ni = NetworkInference {
        topic_id,
        nonce,
        epoch_start: head.epoch_start,
        worker_window: head.worker_window,
        computed_at: head.computed_at,
        path: head.path,
        combined: r.dec()?,
        naive: r.dec()?,
        inferences: read_values(&mut r)?,
        forecast_implied: read_values(&mut r)?,
        one_out_inferers: read_values(&mut r)?,
        one_out_forecasters: read_values(&mut r)?,
        one_in_forecasters: read_values(&mut r)?,
        one_out_implied: read_withheld(&mut r)?,
        error_bars: r.list(|r| {
            Ok(PercentileValue {
                percentile: Decimal::raw(r.u128()?),
                value: r.dec()?,
            })
        })?,
    };
    r.end()?;
    Ok(Some(ni))
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
const LOSSES_BODY: RawMap<(u64, u64)> = RawMap::new("net_losses_body");

pub fn save_network_losses(
    storage: &mut dyn Storage,
    losses: &NetworkLossesResponse,
) -> Result<(), ContractError> {
    let key = (losses.topic_id, losses.nonce);
    let head = LossesHead {
        reputers: losses.reputers.clone(),
    };
    LOSSES_HEAD.save(storage, key, &head)?;
    LOSSES_BODY.set(storage, key, &encode_bundle(&losses.losses));
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
        losses: decode_bundle(&bytes)?,
        reputers: head.reputers,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use cosmwasm_std::testing::MockStorage;
    use cosmwasm_std::SignedDecimal;

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

    #[test]
    fn records_read_back_exactly() {
        let mut st = MockStorage::new();
        let b = bundle();
        assert_eq!(decode_bundle(&encode_bundle(&b)).unwrap(), b);
        assert!(decode_bundle(&encode_bundle(&b)[1..]).is_err());

        let ni = NetworkInference {
            topic_id: 1,
            nonce: 2,
            epoch_start: 10,
            worker_window: HeightWindow { start: 10, end: 14 },
            computed_at: 14,
            path: InferencePath::Full { all_new: false },
            combined: SignedDecimal::raw(1),
            naive: SignedDecimal::raw(2),
            inferences: vec![v(1, 1), v(0, 4)],
            forecast_implied: vec![v(3, 3)],
            one_out_inferers: vec![v(0, 5), v(1, 6)],
            one_out_forecasters: vec![],
            one_in_forecasters: vec![],
            one_out_implied: b.one_out_implied.clone(),
            error_bars: vec![PercentileValue {
                percentile: Decimal::percent(50),
                value: SignedDecimal::raw(-9),
            }],
        };
        save_inference(&mut st, &ni).unwrap();
        assert_eq!(load_inference(&st, 1, 2).unwrap(), Some(ni));
        assert_eq!(load_inference(&st, 1, 3).unwrap(), None);

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
