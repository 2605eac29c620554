//! Writes BENCHMARKS.md: every operation of the suite measured in cosmwasm-vm on the
//! optimised artifacts (`scripts/bench.sh` builds them first).
//! Usage: bench [OUTPUT]   (default: BENCHMARKS.md of the workspace)

use std::path::PathBuf;

use anyhow::Result;
use nous_vm_tests::chain::artifacts_dir;
use nous_vm_tests::flows::{economic_rows, synthesis_rows, SIZES};
use nous_vm_tests::report::{render, Artifact};

fn artifacts() -> Result<Vec<Artifact>> {
    let mut out = vec![];
    let mut entries: Vec<_> = std::fs::read_dir(artifacts_dir())?
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "wasm"))
        .collect();
    entries.sort();
    for p in entries {
        out.push(Artifact {
            name: p
                .file_stem()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned(),
            bytes: std::fs::metadata(&p)?.len(),
        });
    }
    Ok(out)
}

fn main() -> Result<()> {
    let out = std::env::args()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../BENCHMARKS.md"));
    let mut rows = vec![];
    economic_rows(&mut rows)?;
    let mut missing = vec![];
    for size in SIZES {
        if let Err(e) = synthesis_rows(&mut rows, size) {
            eprintln!("synthesis at {size:?}: {e:#}");
            missing.push(format!("at {}/{}/{}: {e:#}", size.0, size.1, size.2));
        }
    }
    // Settlement of an epoch and claim run in reward-distribution, whose artifact does not
    // pass the chain's static checks yet (a function with more than 100 Wasm locals).
    let caps = cosmwasm_vm::capabilities_from_csv(nous_vm_tests::chain::CAPABILITIES);
    let rd = nous_vm_tests::chain::artifact("reward-distribution")?;
    let measured = rows.iter().any(|r| r.operation.starts_with("settlement"));
    if measured {
    } else if let Err(e) = cosmwasm_vm::internals::check_wasm(
        &rd,
        &caps,
        &cosmwasm_vm::WasmLimits::default(),
        cosmwasm_vm::internals::Logger::Off,
    ) {
        for op in ["settlement of one epoch (every size)", "claim"] {
            missing.push(format!(
                "{op}: reward-distribution.wasm is refused by the chain's static checks ({e})"
            ));
        }
    } else {
        missing.push("settlement of one epoch and claim: not wired into the report yet".into());
    }
    let dir = artifacts_dir();
    let toolchain = std::fs::read_to_string(dir.join("toolchain.txt")).unwrap_or_default();
    let checksums = std::fs::read_to_string(dir.join("checksums.txt")).unwrap_or_default();
    let text = render(&rows, &missing, &artifacts()?, &toolchain, &checksums);
    std::fs::write(&out, text)?;
    eprintln!("wrote {}", out.display());
    Ok(())
}
