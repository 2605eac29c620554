//! The simulated participants: who takes part ([`roster`]) and what each does off-chain —
//! inferer models ([`inferers`]), forecasters that learn each inferer's loss per context
//! ([`forecasters`]), reputers measuring (or faking) losses ([`reputers`]). Nothing here
//! talks to a chain: the driver sends what these compute.

pub mod forecasters;
pub mod inferers;
pub mod reputers;
pub mod roster;
