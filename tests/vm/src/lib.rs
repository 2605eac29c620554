//! The optimised artifacts of `artifacts/` run in cosmwasm-vm, the VM chains embed.
//!
//! [`chain::Chain`] is a minimal chain around the VM (module cache, one metered storage per
//! contract, bank, message routing, a querier that runs the other contracts' queries in
//! their own instances); [`storage`] counts and prices every store access the way the
//! Cosmos SDK bills it. The tests in `tests/` drive each contract's flows through it, and
//! `src/bin/bench.rs` (`scripts/bench.sh`) writes BENCHMARKS.md and `benchmarks/vm.csv`
//! from its measurements ([`flows`]), with each heavy operation's storage floor
//! ([`floor`]) and what a wasmd chain adds on top ([`chain_cost`]).
//!
//! cosmwasm-vm 2.3.6 needs rustc >= 1.96: everything here is behind the `vm` feature, which
//! `scripts/vm-test.sh` and `scripts/bench.sh` enable with Debian's compiler.
#![cfg(feature = "vm")]

pub mod chain;
pub mod chain_cost;
pub mod floor;
pub mod flows;
pub mod report;
pub mod storage;
pub mod suite;
