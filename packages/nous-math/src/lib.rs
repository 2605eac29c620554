//! Pure, deterministic epoch maths of the nous suite: every number of one
//! topic epoch in docs/PROTOCOL.md, as plain functions over plain data.
//! No storage, no entry points, no floats: one number type ([`Fixed`]) that
//! gives the same bits natively and in wasm32. Module names follow the
//! sections of the reference design's MATH.md, which PROTOCOL.md's appendix maps to its
//! own; see the package README for bounds and measured error.

mod logspace;
mod wide;

pub mod consensus;
pub mod convert;
pub mod emission;
pub mod epoch;
pub mod error;
pub mod fixed;
pub mod forecast;
pub mod inference;
pub mod loss_method;
pub mod losses;
pub mod params;
pub mod regrets;
pub mod rewards;
pub mod rules;
pub mod scores;
pub mod serde_maps;
pub mod sorted_map;
pub mod sortition;
pub mod stats;
pub mod topic;
pub mod weights;

pub use error::{MathError, MathResult};
pub use fixed::Fixed;
pub use loss_method::{LossMethod, UnknownLossMethod};
pub use params::Params;
pub use rules::Rules;
