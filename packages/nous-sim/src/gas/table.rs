//! The real-gas table: per transaction kind, the median gas a node charged, the
//! transaction overhead (from the probe), wasmd's per-execution work (calibrated) and the
//! contracts' share beside the VM model's figure.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::Result;

use super::vm_figures::{nearest, vm_figures, vm_operation};
use crate::record::Run;

/// Gas charged per byte of a transaction (the SDK's default `TxSizeCostPerByte`).
pub(super) const GAS_PER_TX_BYTE: u64 = 10;

/// One transaction kind's row.
#[derive(Clone, Debug)]
pub struct Row {
    pub kind: String,
    /// Active set (inferers/forecasters/reputers) where the operation depends on it.
    pub size: String,
    pub txs: usize,
    pub steady: bool,
    pub gas_median: u64,
    pub gas_min: u64,
    pub gas_max: u64,
    pub bytes_median: u64,
    /// Overhead estimate of a transaction of this size (probe, adjusted for bytes).
    pub overhead: u64,
    /// Contract executions per transaction (wasmd `execute` events: the message and its
    /// sub-messages).
    pub executions: u64,
    pub vm_operation: Option<String>,
    pub vm_gas: Option<u64>,
}

impl Row {
    /// Gas attributed to the contracts: gas used - overhead - executions x per-execution.
    pub fn share(&self, per_execution: u64) -> u64 {
        self.gas_median
            .saturating_sub(self.overhead)
            .saturating_sub(per_execution * self.executions)
    }

    /// share / VM model
    pub fn ratio(&self, per_execution: u64) -> Option<f64> {
        let vm = self.vm_gas.filter(|v| *v > 0)?;
        Some(self.share(per_execution) as f64 / vm as f64)
    }
}

/// Kinds that calibrate wasmd's per-execution work: one execution, no sub-message, no
/// query between contracts, a single instance in the model.
pub const CALIBRATION: [&str; 2] = ["fund topic", "claim"];

pub struct Table {
    pub rows: Vec<Row>,
    /// wasmd's gas per contract execution beyond the probe and the model (calibrated).
    pub per_execution: u64,
    /// (gas used, bytes) of the overhead probe.
    pub probe: Option<(u64, u64)>,
    /// Where the VM figures came from.
    pub vm_source: String,
}

fn median(v: &mut [u64]) -> u64 {
    v.sort_unstable();
    v.get(v.len() / 2).copied().unwrap_or(0)
}

/// The active set of the run's first topic: inferers/forecasters/reputers.
fn active_set(run: &Run) -> String {
    let count = |c: &str| run.actors.iter().filter(|a| a.class == c).count();
    format!(
        "{}/{}/{}",
        count("inferer"),
        count("forecaster"),
        count("reputer")
    )
}

pub fn table(run: &Run, benchmarks: Option<&Path>) -> Result<Table> {
    let (figures, vm_source) = vm_figures(benchmarks);
    let size = active_set(run);
    type Samples = (Vec<u64>, Vec<u64>, Vec<u64>, bool);
    let mut by_kind: BTreeMap<&str, Samples> = BTreeMap::new();
    for steady in [true, false] {
        for t in run
            .txs
            .iter()
            .filter(|t| t.ok && !t.deliberate && t.steady == steady)
        {
            let e = by_kind
                .entry(t.kind.as_str())
                .or_insert((vec![], vec![], vec![], steady));
            // Steady-state transactions only, when the kind has any.
            if e.3 == steady {
                e.0.push(t.outcome.gas_used);
                e.1.push(t.outcome.tx_bytes);
                e.2.push(
                    t.outcome
                        .events
                        .iter()
                        .filter(|e| e.ty == "execute")
                        .count() as u64,
                );
            }
        }
    }
    let mut rows = vec![];
    for (kind, (mut gas, mut bytes, mut execs, steady)) in by_kind {
        let op = vm_operation(kind);
        let vm = op.and_then(|(p, sized)| nearest(&figures, p, &size, sized));
        let bytes_median = median(&mut bytes);
        let overhead = run
            .probe
            .map(|(g, b)| g.saturating_sub(GAS_PER_TX_BYTE * b) + GAS_PER_TX_BYTE * bytes_median)
            .unwrap_or(0);
        rows.push(Row {
            kind: kind.to_string(),
            size: if op.is_some_and(|o| o.1) {
                size.clone()
            } else {
                "-".into()
            },
            txs: gas.len(),
            steady,
            gas_min: gas.iter().copied().min().unwrap_or(0),
            gas_max: gas.iter().copied().max().unwrap_or(0),
            gas_median: median(&mut gas),
            bytes_median,
            overhead,
            executions: median(&mut execs),
            vm_operation: vm.map(|(o, s, _)| format!("{o} [{s}]")),
            vm_gas: vm.map(|v| v.2),
        });
    }
    let diffs: Vec<u64> = rows
        .iter()
        .filter(|r| CALIBRATION.contains(&r.kind.as_str()) && r.executions == 1)
        .filter_map(|r| {
            Some(
                r.gas_median
                    .saturating_sub(r.overhead)
                    .saturating_sub(r.vm_gas?),
            )
        })
        .collect();
    let per_execution = if diffs.is_empty() {
        0
    } else {
        diffs.iter().sum::<u64>() / diffs.len() as u64
    };
    Ok(Table {
        rows,
        per_execution,
        probe: run.probe,
        vm_source,
    })
}
