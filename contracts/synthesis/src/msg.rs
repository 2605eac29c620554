pub use nous_types::synthesis::*;
