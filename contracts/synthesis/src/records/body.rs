//! The binary bodies of the per-nonce records: the list codecs (worker values, withheld
//! values, error bars), the loss bundle and network inference bodies in their compact form,
//! the network losses' second form (one-out implied losses against their forecaster's), and
//! the fixed-width forms before them with the `migrate` that converts the bundle and
//! inference bodies (the network losses' move to their second form is in `records`).

use cosmwasm_std::{Decimal, SignedDecimal, Storage};
use nous_types::synthesis::{
    LossBundle, NetworkInference, PercentileValue, WithheldValue, WorkerValue,
};

use crate::codec::{namespace_records, Reader, Writer};
use crate::error::ContractError;

#[cfg(test)]
pub(super) fn write_values(w: &mut Writer, values: &[WorkerValue]) {
    w.list(values, |w, v| {
        w.u32(v.worker);
        w.dec(v.value);
    });
}

pub(super) fn read_values(r: &mut Reader) -> Result<Vec<WorkerValue>, ContractError> {
    r.list(|r| {
        Ok(WorkerValue {
            worker: r.u32()?,
            value: r.dec()?,
        })
    })
}

#[cfg(test)]
pub(super) fn write_withheld(w: &mut Writer, values: &[WithheldValue]) {
    w.list(values, |w, v| {
        w.u32(v.withheld);
        w.u32(v.forecaster);
        w.dec(v.value);
    });
}

pub(super) fn read_withheld(r: &mut Reader) -> Result<Vec<WithheldValue>, ContractError> {
    r.list(|r| {
        Ok(WithheldValue {
            withheld: r.u32()?,
            forecaster: r.u32()?,
            value: r.dec()?,
        })
    })
}

pub(super) fn write_error_bars(w: &mut Writer, bars: &[PercentileValue]) {
    w.list(bars, |w, p| {
        w.u128(p.percentile.atomics().u128());
        w.dec(p.value);
    });
}

pub(super) fn read_error_bars(r: &mut Reader) -> Result<Vec<PercentileValue>, ContractError> {
    r.list(|r| {
        Ok(PercentileValue {
            percentile: Decimal::raw(r.u128()?),
            value: r.dec()?,
        })
    })
}

/// A list of worker values as a loss bundle stores them: the count, then per value the
/// worker's distance from the previous one (the first from 0) as a zigzag varint (1 byte in
/// an ascending list) and the raw value as a zigzag varint (~9 bytes for a loss below 4.6),
/// about half the fixed-width 20 bytes; any order round-trips.
fn write_compact_values(w: &mut Writer, values: &[WorkerValue]) {
    w.id_list(
        values,
        |v| v.worker,
        |w, v| w.zigzag(v.value.atomics().i128()),
    );
}

fn read_compact_values(r: &mut Reader) -> Result<Vec<WorkerValue>, ContractError> {
    r.id_list(2, |r, worker| {
        Ok(WorkerValue {
            worker,
            value: SignedDecimal::raw(r.zigzag()?),
        })
    })
}

/// The withheld pairs the same way, each id delta-coded against its predecessor's, and each
/// value as its difference from `base(forecaster)` (exact: wrapping `i128`), so a value
/// that equals its base takes one byte.
fn write_compact_withheld(w: &mut Writer, values: &[WithheldValue], base: impl Fn(u32) -> i128) {
    w.varint(values.len() as u128);
    let (mut withheld, mut forecaster) = (0u32, 0u32);
    for v in values {
        w.zigzag(i128::from(v.withheld) - i128::from(withheld));
        w.zigzag(i128::from(v.forecaster) - i128::from(forecaster));
        w.zigzag(v.value.atomics().i128().wrapping_sub(base(v.forecaster)));
        (withheld, forecaster) = (v.withheld, v.forecaster);
    }
}

fn read_compact_withheld(
    r: &mut Reader,
    base: impl Fn(u32) -> i128,
) -> Result<Vec<WithheldValue>, ContractError> {
    let n = r.count(3)?;
    let mut out = Vec::with_capacity(n);
    let (mut withheld, mut forecaster) = (0u32, 0u32);
    for _ in 0..n {
        withheld = r.next_id(withheld)?;
        forecaster = r.next_id(forecaster)?;
        let value = r.zigzag()?.wrapping_add(base(forecaster));
        out.push(WithheldValue {
            withheld,
            forecaster,
            value: SignedDecimal::raw(value),
        });
    }
    Ok(out)
}

/// No base: values as they are.
fn no_base(_: u32) -> i128 {
    0
}

/// The base of a one-out implied loss `L⁻_{j'k}` in the network losses: forecaster `k`'s
/// own loss `L_k` (0 when the list lacks `k`; the list is ascending, and encoder and decoder
/// search the same list, so any order round-trips). A pair whose forecaster did not name
/// `j'` carries `k`'s own loss in every bundle (LossBundle's rule), so in the network
/// losses, which list every pair, it lands on `L_k` and takes a byte instead of nine.
fn forecaster_loss(forecasters: &[WorkerValue]) -> impl Fn(u32) -> i128 + '_ {
    move |k| {
        forecasters
            .binary_search_by_key(&k, |v| v.worker)
            .ok()
            .map_or(0, |i| forecasters[i].value.atomics().i128())
    }
}

/// A loss bundle (a reputer's, or the network losses) as stored: varints throughout (see
/// [`write_compact_values`]); with `against_forecaster`, the one-out implied values are
/// written against their forecaster's loss (the network-loss body's second form).
fn encode_losses(b: &LossBundle, against_forecaster: bool) -> Vec<u8> {
    let mut w = Writer::default();
    w.zigzag(b.combined.atomics().i128());
    w.zigzag(b.naive.atomics().i128());
    for list in [
        &b.inferers,
        &b.forecasters,
        &b.one_out_inferers,
        &b.one_out_forecasters,
        &b.one_in_forecasters,
    ] {
        write_compact_values(&mut w, list);
    }
    match against_forecaster {
        true => write_compact_withheld(&mut w, &b.one_out_implied, forecaster_loss(&b.forecasters)),
        false => write_compact_withheld(&mut w, &b.one_out_implied, no_base),
    }
    w.into_bytes()
}

fn decode_losses(bytes: &[u8], against_forecaster: bool) -> Result<LossBundle, ContractError> {
    let mut r = Reader::new(bytes);
    let combined = SignedDecimal::raw(r.zigzag()?);
    let naive = SignedDecimal::raw(r.zigzag()?);
    let inferers = read_compact_values(&mut r)?;
    let forecasters = read_compact_values(&mut r)?;
    let one_out_inferers = read_compact_values(&mut r)?;
    let one_out_forecasters = read_compact_values(&mut r)?;
    let one_in_forecasters = read_compact_values(&mut r)?;
    let one_out_implied = match against_forecaster {
        true => read_compact_withheld(&mut r, forecaster_loss(&forecasters))?,
        false => read_compact_withheld(&mut r, no_base)?,
    };
    r.end()?;
    Ok(LossBundle {
        combined,
        naive,
        inferers,
        forecasters,
        one_out_inferers,
        one_out_forecasters,
        one_in_forecasters,
        one_out_implied,
    })
}

pub(super) fn encode_bundle(b: &LossBundle) -> Vec<u8> {
    encode_losses(b, false)
}

pub(super) fn decode_bundle(bytes: &[u8]) -> Result<LossBundle, ContractError> {
    decode_losses(bytes, false)
}

/// The network losses' body in its second form (`net_losses_body2`).
pub(super) fn encode_network_losses(b: &LossBundle) -> Vec<u8> {
    encode_losses(b, true)
}

pub(super) fn decode_network_losses(bytes: &[u8]) -> Result<LossBundle, ContractError> {
    decode_losses(bytes, true)
}

/// The fixed-width bundle format before [`encode_bundle`]'s (16-byte values, 4-byte ids
/// and list lengths), read by `migrate`.
pub(super) fn decode_fixed_width_bundle(bytes: &[u8]) -> Result<LossBundle, ContractError> {
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

/// The values of a network inference below its JSON head (`NetworkInference` without the
/// head's fields), in stored order.
#[derive(Debug, PartialEq)]
pub(super) struct InferenceBody {
    pub combined: SignedDecimal,
    pub naive: SignedDecimal,
    pub inferences: Vec<WorkerValue>,
    pub forecast_implied: Vec<WorkerValue>,
    pub one_out_inferers: Vec<WorkerValue>,
    pub one_out_forecasters: Vec<WorkerValue>,
    pub one_in_forecasters: Vec<WorkerValue>,
    pub one_out_implied: Vec<WithheldValue>,
    pub error_bars: Vec<PercentileValue>,
}

/// A network inference's body as stored: varints throughout, as a loss bundle's (see
/// [`write_compact_values`]), then the error bars (the percentile's atomics as a varint, the
/// value as a zigzag varint). About half the fixed-width form: the worker close writes it
/// and every later reader loads it.
pub(super) fn encode_inference_body(ni: &NetworkInference) -> Vec<u8> {
    write_inference_body(
        (ni.combined, ni.naive),
        [
            &ni.inferences,
            &ni.forecast_implied,
            &ni.one_out_inferers,
            &ni.one_out_forecasters,
            &ni.one_in_forecasters,
        ],
        &ni.one_out_implied,
        &ni.error_bars,
    )
}

fn write_inference_body(
    (combined, naive): (SignedDecimal, SignedDecimal),
    lists: [&[WorkerValue]; 5],
    withheld: &[WithheldValue],
    error_bars: &[PercentileValue],
) -> Vec<u8> {
    let mut w = Writer::default();
    w.zigzag(combined.atomics().i128());
    w.zigzag(naive.atomics().i128());
    for list in lists {
        write_compact_values(&mut w, list);
    }
    write_compact_withheld(&mut w, withheld, no_base);
    w.varint(error_bars.len() as u128);
    for bar in error_bars {
        w.varint(bar.percentile.atomics().u128());
        w.zigzag(bar.value.atomics().i128());
    }
    w.into_bytes()
}

impl InferenceBody {
    fn encode(&self) -> Vec<u8> {
        write_inference_body(
            (self.combined, self.naive),
            [
                &self.inferences,
                &self.forecast_implied,
                &self.one_out_inferers,
                &self.one_out_forecasters,
                &self.one_in_forecasters,
            ],
            &self.one_out_implied,
            &self.error_bars,
        )
    }
}

pub(super) fn decode_inference_body(bytes: &[u8]) -> Result<InferenceBody, ContractError> {
    let mut r = Reader::new(bytes);
    let body = InferenceBody {
        combined: SignedDecimal::raw(r.zigzag()?),
        naive: SignedDecimal::raw(r.zigzag()?),
        inferences: read_compact_values(&mut r)?,
        forecast_implied: read_compact_values(&mut r)?,
        one_out_inferers: read_compact_values(&mut r)?,
        one_out_forecasters: read_compact_values(&mut r)?,
        one_in_forecasters: read_compact_values(&mut r)?,
        one_out_implied: read_compact_withheld(&mut r, no_base)?,
        error_bars: {
            let n = r.count(2)?;
            let mut bars = Vec::with_capacity(n);
            for _ in 0..n {
                bars.push(PercentileValue {
                    percentile: Decimal::raw(r.varint()?),
                    value: SignedDecimal::raw(r.zigzag()?),
                });
            }
            bars
        },
    };
    r.end()?;
    Ok(body)
}

/// The fixed-width inference body before [`encode_inference_body`]'s (16-byte values,
/// 4-byte ids and list lengths), read by `migrate`.
fn decode_fixed_width_inference_body(bytes: &[u8]) -> Result<InferenceBody, ContractError> {
    let mut r = Reader::new(bytes);
    let body = InferenceBody {
        combined: r.dec()?,
        naive: r.dec()?,
        inferences: read_values(&mut r)?,
        forecast_implied: read_values(&mut r)?,
        one_out_inferers: read_values(&mut r)?,
        one_out_forecasters: read_values(&mut r)?,
        one_in_forecasters: read_values(&mut r)?,
        one_out_implied: read_withheld(&mut r)?,
        error_bars: read_error_bars(&mut r)?,
    };
    r.end()?;
    Ok(body)
}

/// `migrate`: rewrites the stored bundle bodies and network inference bodies from their
/// fixed-width formats into the compact ones (every record at once: nothing is deployed
/// yet, and these records live only until their nonce is pruned); a body that already
/// reads in the current format is left alone, so migrating twice changes nothing. Returns
/// the numbers converted: (bundle bodies, inference bodies).
pub fn migrate_bodies(storage: &mut dyn Storage) -> Result<(usize, usize), ContractError> {
    let mut bundles = 0;
    for (key, value) in namespace_records(storage, b"bundle_body") {
        // already in the current format (a second migrate, or a body written since)
        if decode_bundle(&value).is_ok() {
            continue;
        }
        let bundle = decode_fixed_width_bundle(&value)?;
        storage.set(&key, &encode_bundle(&bundle));
        bundles += 1;
    }
    let mut inferences = 0;
    for (key, value) in namespace_records(storage, b"inference_body") {
        if decode_inference_body(&value).is_ok() {
            continue;
        }
        let body = decode_fixed_width_inference_body(&value)?;
        storage.set(&key, &body.encode());
        inferences += 1;
    }
    Ok((bundles, inferences))
}
