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

mod output;
mod table;
mod vm_figures;

pub use output::{csv, markdown, txs_csv, write_section, BEGIN, END};
pub use table::{table, Row, Table, CALIBRATION};
