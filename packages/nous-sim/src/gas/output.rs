//! The real-gas table written out: markdown (chain.txt and BENCHMARKS.md's real-chain
//! section), CSV (`benchmarks/real-chain.csv`) and every transaction (`txs.csv`).

use std::fmt::Write;
use std::path::Path;

use anyhow::{Context, Result};

use super::table::{Row, Table, CALIBRATION, GAS_PER_TX_BYTE};
use crate::csv_text::csv_text;
use crate::record::Run;

pub const BEGIN: &str = "<!-- BEGIN real-chain -->";
pub const END: &str = "<!-- END real-chain -->";

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
            "the model charges 60,000 for each of its 7 instance loads; wasmd charges 2,000 for a contract already loaded in the transaction, and a settlement calls and queries its peers several times; the model's epoch also writes the month's emission record"
        }
        "close of a worker window" => {
            "the model measures a topic's first nonce, whose close reads the registry's parameters (two queries: 120,000 in the model); later closes skip them while the registry's parameter version is unchanged"
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

/// `benchmarks/real-chain.csv`: one row per transaction kind.
pub fn csv(t: &Table) -> Result<String> {
    let rows = t.rows.iter().map(|r| {
        vec![
            r.kind.clone(),
            r.steady.to_string(),
            r.size.clone(),
            r.txs.to_string(),
            r.gas_median.to_string(),
            r.gas_min.to_string(),
            r.gas_max.to_string(),
            r.bytes_median.to_string(),
            r.overhead.to_string(),
            r.executions.to_string(),
            t.per_execution.to_string(),
            r.share(t.per_execution).to_string(),
            r.vm_operation.clone().unwrap_or_default(),
            r.vm_gas.map(|v| v.to_string()).unwrap_or_default(),
            r.ratio(t.per_execution)
                .map(|x| format!("{x:.3}"))
                .unwrap_or_default(),
        ]
    });
    csv_text(
        &[
            "kind",
            "steady",
            "active_set",
            "txs",
            "gas_median",
            "gas_min",
            "gas_max",
            "tx_bytes_median",
            "overhead_estimate",
            "executions",
            "per_execution",
            "contract_share",
            "vm_operation",
            "vm_gas",
            "share_over_vm",
        ],
        rows,
    )
}

/// `txs.csv`: every transaction of the run.
pub fn txs_csv(run: &Run) -> Result<String> {
    let rows = run.txs.iter().map(|t| {
        let o = &t.outcome;
        let fee: u128 = o.fee.iter().map(|c| c.amount.u128()).sum();
        vec![
            o.height.to_string(),
            t.kind.clone(),
            t.ok.to_string(),
            t.deliberate.to_string(),
            t.steady.to_string(),
            o.gas_wanted.to_string(),
            o.gas_used.to_string(),
            o.tx_bytes.to_string(),
            o.events
                .iter()
                .filter(|e| e.ty == "execute")
                .count()
                .to_string(),
            fee.to_string(),
            o.hash.clone(),
            o.log.clone(),
        ]
    });
    csv_text(
        &[
            "height",
            "kind",
            "ok",
            "deliberate",
            "steady",
            "gas_wanted",
            "gas_used",
            "tx_bytes",
            "executions",
            "fee",
            "hash",
            "log",
        ],
        rows,
    )
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
