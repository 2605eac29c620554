//! State-changing operations: `setup` (instantiate) and `read` (pay for and use an
//! inference).

pub mod read;
pub mod setup;
