//! Real gas per transaction kind on a node, beside the VM model's figure for the same
//! operation (`benchmarks/vm.csv` when it exists, else the operations table of
//! BENCHMARKS.md): `benchmarks/real-chain.csv` and the real-chain section of BENCHMARKS.md
//! (between its markers; `scripts/bench.sh` owns the rest of the file).
//!
//! A node's gas is the VM model's operation plus what every transaction pays around it:
//! the ante handler (signature, 10 gas per transaction byte, fee deduction, account
//! sequence) and wasmd's own work per contract execution. The run measures the first with
//! a probe (an execute on an address that holds no contract: the ante handler and a failed
//! contract lookup) and calibrates the second on the simplest operations (one execution,
//! no sub-message, no query: fund topic and claim), as `gas - probe - model`, then
//! compares `gas - probe - executions x calibration` with the model for every kind.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::Path;

use anyhow::{Context, Result};

use crate::sim::Run;

pub const BEGIN: &str = "<!-- BEGIN real-chain -->";
pub const END: &str = "<!-- END real-chain -->";

/// Gas charged per byte of a transaction (the SDK's default `TxSizeCostPerByte`).
const GAS_PER_TX_BYTE: u64 = 10;

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

/// A VM operation: (operation text, active set) -> total SDK gas per call.
type VmFigures = Vec<(String, String, u64)>;

fn number(s: &str) -> Option<u64> {
    let digits: String = s.chars().filter(|c| c.is_ascii_digit()).collect();
    (!digits.is_empty() && s.trim().chars().next()?.is_ascii_digit())
        .then(|| digits.parse().ok())
        .flatten()
}

/// `benchmarks/vm.csv`: a header naming an operation column, an active-set column and a
/// per-call total column.
fn vm_from_csv(text: &str) -> Option<VmFigures> {
    let mut lines = text.lines();
    let header: Vec<String> = lines
        .next()?
        .split(',')
        .map(|h| h.trim().to_lowercase())
        .collect();
    let col = |keys: &[&str]| {
        header
            .iter()
            .position(|h| keys.iter().any(|k| h.contains(k)))
    };
    let op = col(&["operation"])?;
    let size = col(&["active", "size"]);
    let gas = col(&["per_call", "per call", "total_sdk", "total sdk", "sdk_gas"])?;
    let mut out = vec![];
    for l in lines {
        let cells = split_csv(l);
        let (Some(o), Some(g)) = (cells.get(op), cells.get(gas).and_then(|g| number(g))) else {
            continue;
        };
        let s = size
            .and_then(|i| cells.get(i))
            .cloned()
            .unwrap_or_else(|| "-".into());
        out.push((o.clone(), s, g));
    }
    (!out.is_empty()).then_some(out)
}

fn split_csv(line: &str) -> Vec<String> {
    let mut out = vec![];
    let mut cur = String::new();
    let mut quoted = false;
    for c in line.chars() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => out.push(std::mem::take(&mut cur)),
            _ => cur.push(c),
        }
    }
    out.push(cur);
    out.into_iter().map(|c| c.trim().to_string()).collect()
}

/// The "## Operations" table of BENCHMARKS.md: operation, active set, ..., per call.
fn vm_from_markdown(text: &str) -> Option<VmFigures> {
    let mut header: Option<Vec<String>> = None;
    let mut out = vec![];
    for l in text.lines() {
        if !l.starts_with('|') {
            if header.is_some() && !out.is_empty() {
                break;
            }
            header = None;
            continue;
        }
        let cells: Vec<String> = l
            .trim_matches('|')
            .split('|')
            .map(|c| c.trim().to_string())
            .collect();
        match &header {
            None => {
                if cells.first().is_some_and(|c| c == "operation")
                    && cells.iter().any(|c| c == "per call")
                {
                    header = Some(cells);
                }
            }
            Some(h) => {
                let (Some(op), Some(size), Some(gas)) = (
                    h.iter().position(|c| c == "operation"),
                    h.iter().position(|c| c == "active set"),
                    h.iter().position(|c| c == "per call"),
                ) else {
                    continue;
                };
                if let (Some(o), Some(s), Some(g)) = (
                    cells.get(op),
                    cells.get(size),
                    cells.get(gas).and_then(|g| number(g)),
                ) {
                    out.push((o.clone(), s.clone(), g));
                }
            }
        }
    }
    (!out.is_empty()).then_some(out)
}

/// The VM figures: `benchmarks/vm.csv` beside BENCHMARKS.md if present, else its table.
fn vm_figures(benchmarks: Option<&Path>) -> (VmFigures, String) {
    let Some(md) = benchmarks else {
        return (vec![], "no VM figures given".into());
    };
    let csv = md
        .parent()
        .unwrap_or(Path::new("."))
        .join("benchmarks/vm.csv");
    if let Some(v) = std::fs::read_to_string(&csv)
        .ok()
        .as_deref()
        .and_then(vm_from_csv)
    {
        return (v, "benchmarks/vm.csv".into());
    }
    match std::fs::read_to_string(md)
        .ok()
        .as_deref()
        .and_then(vm_from_markdown)
    {
        Some(v) => (
            v,
            "the operations table of BENCHMARKS.md (benchmarks/vm.csv not written yet)".into(),
        ),
        None => (vec![], "no VM figures found".into()),
    }
}

/// The VM operation (text prefix, depends on the active set) a transaction kind matches.
fn vm_operation(kind: &str) -> Option<(&'static str, bool)> {
    Some(match kind {
        k if k.starts_with("worker payload") => ("worker payload", true),
        "reputer bundle" => ("reputer bundle", true),
        "close of a worker window" => ("close of a worker window", true),
        "close of a reputer window" => ("close of a reputer window", true),
        "settlement of one epoch" => ("settlement of one epoch", true),
        "claim" => ("claim", true),
        "pay-and-read (example consumer)" => ("dApp read through example-consumer", false),
        "pay-per-read" => ("pay-per-read", false),
        "register" => ("register, registry wired to synthesis", false),
        "add stake" => ("add stake", false),
        "delegate" => ("delegate", false),
        "fund topic" => ("fund topic", false),
        "create topic" => ("create topic", false),
        _ => return None,
    })
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

/// The VM size nearest to ours (same inferers and forecasters, the fewest reputers above).
fn nearest<'a>(
    figures: &'a VmFigures,
    prefix: &str,
    size: &str,
    sized: bool,
) -> Option<&'a (String, String, u64)> {
    let parse =
        |s: &str| -> Option<Vec<u64>> { s.split('/').map(|x| x.trim().parse().ok()).collect() };
    let ours = parse(size);
    figures
        .iter()
        .filter(|(op, _, _)| op.starts_with(prefix))
        .min_by_key(|(_, s, _)| {
            if !sized {
                return 0;
            }
            match (parse(s), &ours) {
                (Some(v), Some(o)) if v.len() == o.len() => {
                    v.iter().zip(o).map(|(a, b)| a.abs_diff(*b)).sum::<u64>()
                }
                _ => u64::MAX,
            }
        })
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

/// Why a row differs from the model by more than 10% (after the calibration).
fn explain(r: &Row, per_execution: u64) -> &'static str {
    if CALIBRATION.contains(&r.kind.as_str()) {
        return "calibration";
    }
    match r.ratio(per_execution) {
        Some(x) if !(0.9..=1.1).contains(&x) => explanation(&r.kind),
        _ => "",
    }
}

/// The reason a kind's share differs from its VM figure, when it does.
fn explanation(kind: &str) -> &'static str {
    match kind {
        "worker payload (inference)" => {
            "smaller payload: the model's carries an inference and a 12-element forecast, this one an inference only"
        }
        "worker payload (8-element forecast)" => {
            "smaller payload: the model's carries an inference and a 12-element forecast, this one an 8-element forecast"
        }
        "close of a reputer window" => {
            "steady state: regrets, one-out losses and score EMAs of every worker are live after 15+ nonces (the model measures the third nonce), and a third reputer's bundle"
        }
        "settlement of one epoch" => {
            "the model charges 60,000 for each of its 10 instance loads; wasmd charges 2,000 for a contract already loaded in the transaction, and a settlement calls and queries its peers several times; the model's epoch also writes the month's emission record"
        }
        "add stake" => {
            "staking queries the registry twice: the model charges 60,000 for the second load, wasmd 2,000 (already loaded in this transaction)"
        }
        "pay-and-read (example consumer)" => {
            "the fee-vault is queried, then paid: the model charges 60,000 for its second load, wasmd 2,000"
        }
        "delegate" => {
            "staking queries the registry: wasmd's per-call work for a query between contracts is not in the calibration, which counts executions only"
        }
        _ => "not explained: compare the transaction's events with the model's flow",
    }
}

pub fn markdown(t: &Table) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "| transaction | active set | txs | gas used (median) | min | max | tx bytes | executions | contract share | VM model (operation [size]) | VM gas | share / VM | note |"
    );
    let _ = writeln!(
        s,
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---|"
    );
    for r in &t.rows {
        let _ = writeln!(
            s,
            "| {}{} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            r.kind,
            if r.steady { "" } else { " (setup)" },
            r.size,
            r.txs,
            sep(r.gas_median),
            sep(r.gas_min),
            sep(r.gas_max),
            sep(r.bytes_median),
            r.executions,
            sep(r.share(t.per_execution)),
            r.vm_operation.clone().unwrap_or_else(|| "-".into()),
            r.vm_gas.map(sep).unwrap_or_else(|| "-".into()),
            r.ratio(t.per_execution)
                .map(|x| format!("{x:.2}"))
                .unwrap_or_else(|| "-".into()),
            explain(r, t.per_execution)
        );
    }
    let _ = writeln!(s);
    match t.probe {
        Some((g, b)) => {
            let _ = writeln!(
                s,
                "Contract share = gas used - transaction overhead - executions x {} (wasmd's work per contract execution beyond the model, calibrated on {}). Transaction overhead: an execute on an address holding no contract used {} gas in {} bytes, so a transaction of B bytes pays about {} + {GAS_PER_TX_BYTE}·B gas for its signature, bytes, fee and sequence.",
                sep(t.per_execution),
                CALIBRATION.join(" and "),
                sep(g),
                b,
                sep(g.saturating_sub(GAS_PER_TX_BYTE * b))
            );
        }
        None => {
            let _ = writeln!(s, "No overhead probe in this run.");
        }
    }
    let _ = writeln!(s, "VM figures from {}.", t.vm_source);
    s
}

pub fn csv(t: &Table) -> String {
    let mut s = String::from("kind,steady,active_set,txs,gas_median,gas_min,gas_max,tx_bytes_median,overhead_estimate,executions,per_execution,contract_share,vm_operation,vm_gas,share_over_vm\n");
    for r in &t.rows {
        let _ = writeln!(
            s,
            "\"{}\",{},{},{},{},{},{},{},{},{},{},{},\"{}\",{},{}",
            r.kind,
            r.steady,
            r.size,
            r.txs,
            r.gas_median,
            r.gas_min,
            r.gas_max,
            r.bytes_median,
            r.overhead,
            r.executions,
            t.per_execution,
            r.share(t.per_execution),
            r.vm_operation.clone().unwrap_or_default(),
            r.vm_gas.map(|v| v.to_string()).unwrap_or_default(),
            r.ratio(t.per_execution)
                .map(|x| format!("{x:.3}"))
                .unwrap_or_default()
        );
    }
    s
}

/// Every transaction of the run.
pub fn txs_csv(run: &Run) -> String {
    let mut s = String::from(
        "height,kind,ok,deliberate,steady,gas_wanted,gas_used,tx_bytes,executions,fee,hash,log\n",
    );
    for t in &run.txs {
        let o = &t.outcome;
        let fee: u128 = o.fee.iter().map(|c| c.amount.u128()).sum();
        let _ = writeln!(
            s,
            "{},\"{}\",{},{},{},{},{},{},{},{},{},\"{}\"",
            o.height,
            t.kind,
            t.ok,
            t.deliberate,
            t.steady,
            o.gas_wanted,
            o.gas_used,
            o.tx_bytes,
            o.events.iter().filter(|e| e.ty == "execute").count(),
            fee,
            o.hash,
            o.log.replace('"', "'")
        );
    }
    s
}

/// Replaces (or appends) the real-chain section of BENCHMARKS.md.
pub fn write_section(path: &Path, t: &Table) -> Result<()> {
    let old =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let section = format!(
        "{BEGIN}\n## Real gas on a wasmd node\n\nWritten by `scripts/e2e-chain.sh` (do not edit by hand): the chain-smoke scenario on a local\nwasmd v0.60.8 node, gas used per transaction kind at steady state (one-off kinds: during\nsetup), beside the VM model's figure for the same operation and the nearest active set.\nThe CSV is `benchmarks/real-chain.csv`.\n\n{}{END}\n",
        markdown(t)
    );
    let new = match (old.find(BEGIN), old.find(END)) {
        (Some(a), Some(b)) if b > a => format!(
            "{}{}{}",
            &old[..a],
            section,
            &old[b + END.len()..].trim_start_matches('\n')
        ),
        _ => format!(
            "{}\n{}",
            old.trim_end_matches('\n').to_string() + "\n",
            section
        ),
    };
    std::fs::write(path, new).with_context(|| format!("writing {}", path.display()))
}

fn sep(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_vm_operations_table() {
        let md = "# x\n\n## Operations\n\n| operation | active set | calls | total SDK gas | per call | target |\n|---|---|---:|---:|---:|:---:|\n| claim | 8/2/2 | 1 | 72,898 | 72,898 |  |\n| claim | 32/6/6 | 1 | 72,961 | 72,961 |  |\n| delegate | - | 1 | 160,638 | 160,638 |  |\n\nafter\n";
        let v = vm_from_markdown(md).unwrap();
        assert_eq!(v.len(), 3);
        assert_eq!(v[0], ("claim".into(), "8/2/2".into(), 72_898));
        let n = nearest(&v, "claim", "8/2/3", true).unwrap();
        assert_eq!(n.1, "8/2/2");
        assert_eq!(nearest(&v, "delegate", "8/2/3", false).unwrap().2, 160_638);
    }

    #[test]
    fn reads_a_vm_csv_with_any_column_order() {
        let csv = "active_set,operation,per_call\n8/2/2,\"close of a worker window\",342011\n";
        let v = vm_from_csv(csv).unwrap();
        assert_eq!(
            v,
            vec![("close of a worker window".into(), "8/2/2".into(), 342_011)]
        );
    }

    #[test]
    fn the_section_replaces_only_itself() {
        let p = std::env::temp_dir().join(format!("nous-bench-{}.md", std::process::id()));
        std::fs::write(&p, "# Benchmarks\n\nbefore\n").unwrap();
        let t = Table {
            rows: vec![],
            per_execution: 25_000,
            probe: Some((70_000, 300)),
            vm_source: "test".into(),
        };
        write_section(&p, &t).unwrap();
        write_section(&p, &t).unwrap();
        let text = std::fs::read_to_string(&p).unwrap();
        assert!(text.starts_with("# Benchmarks\n\nbefore\n"));
        assert_eq!(text.matches(BEGIN).count(), 1);
        assert!(text.contains("67,000 + 10·B"));
        let _ = std::fs::remove_file(&p);
    }
}
