//! The messages live in `nous_types::topic_registry` so every contract and integrator
//! imports the same types.
pub use nous_types::topic_registry::*;
