//! Every artifact passes the static checks a chain runs at upload (the same as
//! `cosmwasm-check`, here with the VM's own code) and fits a chain's upload limit. The
//! suite's tighter 400 KB size *target* is reported, met or not, in BENCHMARKS.md.
#![cfg(feature = "vm")]

use cosmwasm_vm::capabilities_from_csv;
use cosmwasm_vm::internals::{check_wasm, Logger};
use cosmwasm_vm::WasmLimits;
use nous_vm_tests::chain::{artifact, artifacts_dir, CAPABILITIES};
use nous_vm_tests::report::UPLOAD_LIMIT;

fn contracts() -> Vec<String> {
    let dir = artifacts_dir().join("../contracts");
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("contracts/")
        .filter_map(|e| e.ok())
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Every artifact the static checks refuse on a chain with `capabilities`, with the reason.
fn refused_with(capabilities: &str) -> Vec<String> {
    let caps = capabilities_from_csv(capabilities);
    contracts()
        .into_iter()
        .filter_map(|c| {
            let wasm = artifact(&c).unwrap();
            check_wasm(&wasm, &caps, &WasmLimits::default(), Logger::Off)
                .err()
                .map(|e| format!("{c}.wasm: {e}"))
        })
        .collect()
}

#[test]
fn every_artifact_passes_the_chain_static_checks() {
    let failures = refused_with(CAPABILITIES);
    assert!(
        failures.is_empty(),
        "refused by the chain's static checks:\n{}",
        failures.join("\n")
    );
}

/// The artifacts need no capability beyond `iterator` (docs/DEPLOYING.md): a chain without
/// any `cosmwasm_1_x`/`2_x` capability accepts them.
#[test]
fn every_artifact_needs_only_the_iterator_capability() {
    let failures = refused_with("iterator");
    assert!(
        failures.is_empty(),
        "needs more than `iterator`:\n{}",
        failures.join("\n")
    );
}

#[test]
fn every_artifact_fits_the_upload_limit() {
    let failures: Vec<String> = contracts()
        .into_iter()
        .filter_map(|c| {
            let len = artifact(&c).unwrap().len() as u64;
            (len > UPLOAD_LIMIT).then(|| format!("{c}.wasm: {len} bytes"))
        })
        .collect();
    assert!(
        failures.is_empty(),
        "over the {UPLOAD_LIMIT}-byte upload limit:\n{}",
        failures.join("\n")
    );
}
