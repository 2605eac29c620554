//! The state of one canned topic (see [`crate::Nous::canned_topic`]), kept by [`crate::Nous`]
//! and advanced by its canned actors. A module of its own so that the handle holding it
//! and the canned actors driving it do not import each other.

use std::collections::{BTreeMap, BTreeSet};

use cosmwasm_std::{Addr, SignedDecimal};

/// A topic whose workers and reputers are nous-testing's.
#[derive(Clone, Debug)]
pub(crate) struct CannedTopic {
    pub(crate) inferers: Vec<Addr>,
    pub(crate) forecaster: Addr,
    pub(crate) reputers: Vec<Addr>,
    pub(crate) keeper: Addr,
    /// The value published for each nonce: its ground truth for the reputers.
    pub(crate) truths: BTreeMap<u64, SignedDecimal>,
    /// Nonces whose losses were reported, or whose reputer window passed unreported.
    pub(crate) reported: BTreeSet<u64>,
}
