//! cw-multi-test tests of topic-registry through its real entry points, with cw20-base as
//! the token and a small recording mock in place of the fee-vault.

mod suite;

mod admin;
mod cw20_path;
mod params;
mod registration;
mod topics;
