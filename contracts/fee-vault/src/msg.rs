//! The fee-vault's messages live in `nous_types::fee_vault`; re-exported here.

pub use nous_types::fee_vault::*;
