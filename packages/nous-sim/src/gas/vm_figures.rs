//! The VM model's gas per operation, read from `benchmarks/vm.csv` (written by the VM
//! benchmarks) or else from the operations table of BENCHMARKS.md, and matched to the
//! transaction kinds the simulator sends.

use std::path::Path;

/// A VM operation: (operation text, active set) -> total SDK gas per call.
pub(super) type VmFigures = Vec<(String, String, u64)>;

fn number(s: &str) -> Option<u64> {
    let digits: String = s.chars().filter(|c| c.is_ascii_digit()).collect();
    (!digits.is_empty() && s.trim().chars().next()?.is_ascii_digit())
        .then(|| digits.parse().ok())
        .flatten()
}

/// `benchmarks/vm.csv`: a header naming an operation column, an active-set column and a
/// per-call total column, in any order.
fn vm_from_csv(text: &str) -> Option<VmFigures> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .ok()?
        .iter()
        .map(|h| h.to_lowercase())
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
    for row in reader.records().flatten() {
        let (Some(o), Some(g)) = (row.get(op), row.get(gas).and_then(number)) else {
            continue;
        };
        let s = size.and_then(|i| row.get(i)).unwrap_or("-");
        out.push((o.to_string(), s.to_string(), g));
    }
    (!out.is_empty()).then_some(out)
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
pub(super) fn vm_figures(benchmarks: Option<&Path>) -> (VmFigures, String) {
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
pub(super) fn vm_operation(kind: &str) -> Option<(&'static str, bool)> {
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

/// The VM size nearest to ours (same inferers and forecasters, the fewest reputers above).
pub(super) fn nearest<'a>(
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
}
