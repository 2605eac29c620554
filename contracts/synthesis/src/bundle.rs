//! Stateless validation of a reputer's loss bundle against the network inference of its
//! nonce: run on submit (so an inconsistent bundle is refused) and again at the close.

use nous_math::losses::ReputerLosses;
use nous_math::sorted_map::{SortedMap, SortedSet};
use nous_math::Fixed;
use nous_types::synthesis::{LossBundle, NetworkInference, WithheldValue, WorkerValue};

use crate::convert::checked_value;
use crate::error::ContractError;

fn worker_map(
    list_name: &str,
    list: &[WorkerValue],
    allowed: &SortedSet<u32>,
    nonce: u64,
) -> Result<SortedMap<u32, Fixed>, ContractError> {
    let mut out = SortedMap::new();
    for wv in list {
        if !allowed.contains(&wv.worker) {
            return Err(ContractError::UnknownWorker {
                list: list_name.to_string(),
                worker: wv.worker,
                nonce,
            });
        }
        let v = checked_value(list_name, wv.value)?;
        if out.insert(wv.worker, v).is_some() {
            return Err(ContractError::DuplicateWorker {
                list: list_name.to_string(),
                worker: wv.worker,
            });
        }
    }
    Ok(out)
}

fn keys(values: &[WorkerValue]) -> SortedSet<u32> {
    values.iter().map(|v| v.worker).collect()
}

/// The non-empty lists of one class must name the same workers.
fn same_workers(lists: &[(&str, &SortedMap<u32, Fixed>)]) -> Result<(), ContractError> {
    let mut first: Option<(&str, &SortedMap<u32, Fixed>)> = None;
    for (name, m) in lists.iter().filter(|(_, m)| !m.is_empty()) {
        match first {
            None => first = Some((name, m)),
            Some((other, f)) => {
                if !f.keys().eq(m.keys()) {
                    return Err(ContractError::WorkerSetMismatch {
                        list: name.to_string(),
                        other: other.to_string(),
                    });
                }
            }
        }
    }
    Ok(())
}

/// Stateless checks of a bundle against the network inference of its nonce: every value
/// bounded, no worker twice in a list, only workers (and variants) that the nonce has, and
/// the same workers in every non-empty list of one class. Returns the maths package's form,
/// with the one-out-implied losses of the named pairs only (as sent).
pub fn check_bundle(
    bundle: &LossBundle,
    ni: &NetworkInference,
) -> Result<ReputerLosses, ContractError> {
    Ok(checked(bundle, ni)?.0)
}

/// The report a bundle makes at the close: [`check_bundle`]'s form with every pair
/// (forecaster, withheld inferer) the forecaster did not name read as the forecaster's
/// own loss (its one-out value is its forecast-implied inference; PROTOCOL.md §
/// "One-out forecast-implied inferences").
pub fn reported_losses(
    bundle: &LossBundle,
    ni: &NetworkInference,
) -> Result<ReputerLosses, ContractError> {
    let (mut losses, named) = checked(bundle, ni)?;
    let inferers: Vec<u32> = ni.inferences.iter().map(|v| v.worker).collect();
    losses.fill_unnamed_pairs(&inferers, &named);
    Ok(losses)
}

/// [`check_bundle`] with the named pairs of the network inference.
fn checked(
    bundle: &LossBundle,
    ni: &NetworkInference,
) -> Result<(ReputerLosses, SortedSet<(u32, u32)>), ContractError> {
    let nonce = ni.nonce;
    let combined = checked_value("combined", bundle.combined)?;
    let naive = checked_value("naive", bundle.naive)?;
    let inferer = worker_map("inferers", &bundle.inferers, &keys(&ni.inferences), nonce)?;
    let forecaster = worker_map(
        "forecasters",
        &bundle.forecasters,
        &keys(&ni.forecast_implied),
        nonce,
    )?;
    let one_out_inferer = worker_map(
        "one_out_inferers",
        &bundle.one_out_inferers,
        &keys(&ni.one_out_inferers),
        nonce,
    )?;
    let one_out_forecaster = worker_map(
        "one_out_forecasters",
        &bundle.one_out_forecasters,
        &keys(&ni.one_out_forecasters),
        nonce,
    )?;
    let one_in = worker_map(
        "one_in_forecasters",
        &bundle.one_in_forecasters,
        &keys(&ni.one_in_forecasters),
        nonce,
    )?;
    let pairs: SortedSet<(u32, u32)> = ni
        .one_out_implied
        .iter()
        .map(|v| (v.forecaster, v.withheld))
        .collect();
    let mut one_out_inferer_forecaster = SortedMap::new();
    for WithheldValue {
        withheld,
        forecaster: k,
        value,
    } in &bundle.one_out_implied
    {
        if !pairs.contains(&(*k, *withheld)) {
            return Err(ContractError::UnknownWorker {
                list: "one_out_implied".to_string(),
                worker: *k,
                nonce,
            });
        }
        let v = checked_value("one_out_implied", *value)?;
        if one_out_inferer_forecaster
            .insert((*k, *withheld), v)
            .is_some()
        {
            return Err(ContractError::DuplicateWorker {
                list: "one_out_implied".to_string(),
                worker: *k,
            });
        }
    }
    same_workers(&[
        ("inferers", &inferer),
        ("one_out_inferers", &one_out_inferer),
    ])?;
    same_workers(&[
        ("forecasters", &forecaster),
        ("one_out_forecasters", &one_out_forecaster),
        ("one_in_forecasters", &one_in),
    ])?;
    let losses = ReputerLosses {
        combined: Some(combined),
        naive: Some(naive),
        inferer,
        forecaster,
        one_out_inferer,
        one_out_forecaster,
        one_in,
        one_out_inferer_forecaster,
    };
    Ok((losses, pairs))
}
