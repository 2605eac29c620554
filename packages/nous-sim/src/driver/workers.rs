//! An epoch opens: the consumer pays its funding and every worker submits, all in one
//! batch (on a node they share blocks); the deliberate refusals go out here too. On a
//! commit–reveal topic the workers commit to their payloads here and reveal them when the
//! worker window ends.

use anyhow::Result;
use nous_chain::Chain;

use super::{refusals, Driver};
use crate::actors::inferers::{epoch_values, Public};
use crate::network::{Delivery, Payload};
use crate::record::EpochRecord;
use crate::units::TOKEN;

/// A worker's payload with its forecast owned (see [`Payload`]).
type OwnedPayload = (&'static str, Option<f64>, Vec<(u32, f64)>);

/// A worker's payload for one epoch and its class ("worker" for an inferer, "forecaster").
pub(super) type ClassedPayload = (&'static str, OwnedPayload);

fn borrowed(payloads: &[ClassedPayload]) -> Vec<Payload<'_>> {
    payloads
        .iter()
        .map(|(_, (n, i, f))| (*n, *i, f.as_slice()))
        .collect()
}

impl<C: Chain> Driver<'_, C> {
    /// The worker window of epoch `k` of topic `ti` opens.
    pub(super) fn open_epoch(&mut self, ti: usize, k: u64) -> Result<()> {
        if ti == 0 {
            self.net.steady = k >= self.sc.warmup_epochs;
        }
        self.submit_workers(ti, k);
        if ti == 0 && self.sc.chain.refusals_at_epoch == Some(k) {
            let t = &self.topics[ti];
            self.refusals = refusals::send(self.net, t, t.nonce0 + k)?;
        }
        Ok(())
    }

    /// What each inferer revealed in epoch `k - 1` (the first identity's submission of
    /// each inferer of the scenario, by its index): what a copycat can copy on a
    /// commit–reveal topic.
    fn revealed_before(&self, ti: usize, k: u64) -> Vec<Option<f64>> {
        let mut revealed = vec![None; self.sc.inferers.len()];
        let last = k
            .checked_sub(1)
            .and_then(|e| self.topics[ti].records.get(e as usize));
        if let Some(rec) = last {
            // backwards, so that the first identity of a cloned inferer is read last
            for (name, spec_index) in self.roster.inferers.iter().rev() {
                revealed[*spec_index] = rec.submitted.get(name).copied();
            }
        }
        revealed
    }

    /// Every worker's payload for epoch `k`, inferers first, then forecasters, in scenario
    /// order.
    fn payloads(&mut self, ti: usize, k: u64) -> Vec<ClassedPayload> {
        let t = &self.topics[ti];
        let revealed = self.revealed_before(ti, k);
        let public = if t.reveal_window > 0 {
            Public::Revealed(&revealed)
        } else {
            Public::SameEpoch
        };
        let values = epoch_values(
            &self.sc.inferers,
            t.id,
            &t.series,
            k,
            public,
            &mut self.streams,
        );
        let mut payloads: Vec<ClassedPayload> = vec![];
        for (name, spec_index) in &self.roster.inferers {
            if let Some(v) = values[*spec_index] {
                payloads.push(("worker", (name, Some(v), vec![])));
            }
        }
        for (fi, f) in self.sc.forecasters.iter().enumerate() {
            let forecast = self.memories[ti][fi].forecast(f, &t.series, k);
            let inference = if f.also_infers {
                Some(*t.series.known_before(k).last().unwrap_or(&0.0))
            } else {
                None
            };
            if forecast.is_empty() && inference.is_none() {
                continue;
            }
            payloads.push((
                "forecaster",
                (self.roster.forecasters[fi], inference, forecast),
            ));
        }
        payloads
    }

    /// The consumer's funding and every worker's payload for epoch `k` — in the clear, or
    /// on a commit–reveal topic its commitment (the payloads committed are kept for the
    /// reveal); records what was submitted.
    fn submit_workers(&mut self, ti: usize, k: u64) {
        let spec = &self.sc.topics[ti];
        let funding = (spec.fund_per_epoch > 0).then_some(spec.fund_per_epoch * TOKEN);
        let t = &self.topics[ti];
        let rec = EpochRecord {
            epoch: k,
            regime: t.series.regime(k),
            truth: t.series.truth(k),
            ..Default::default()
        };
        let commit = t.reveal_window > 0;
        let (id, nonce, fee) = (t.id, t.nonce0 + k, t.payload_fee);
        let payloads = self.payloads(ti, k);
        let streams = &self.streams;
        let (funded, results) = self.net.submit_workers(
            (id, fee),
            nonce,
            funding.map(|a| ("consumer", a)),
            &borrowed(&payloads),
            |p| {
                if commit {
                    Delivery::Commit(streams.salt(id, p.0, nonce))
                } else {
                    Delivery::Clear
                }
            },
        );
        if let (Some(amount), Some(Ok(()))) = (funding, funded) {
            self.flows.topic_funding += amount;
            self.topics[ti].funding += amount;
        }
        self.topics[ti].records.push(rec);
        let mut committed = vec![];
        for (p, r) in payloads.into_iter().zip(results) {
            if r.is_ok() {
                self.record_payload_fee(p.1 .0, fee);
            }
            match r {
                Ok(()) if commit => committed.push(p),
                Ok(()) => self.record_submitted(ti, k, &p),
                Err(e) => self.count_rejected(p.0, &e),
            }
        }
        if commit {
            self.committed.insert((ti, k), committed);
        }
    }

    /// Commit–reveal topics: the reveal window of epoch `k` opened; every worker that
    /// committed reveals its payload and salt; records what was submitted.
    pub(super) fn reveal_payloads(&mut self, ti: usize, k: u64) {
        let payloads = self.committed.remove(&(ti, k)).unwrap_or_default();
        let (id, nonce) = (self.topics[ti].id, self.topics[ti].nonce0 + k);
        let streams = &self.streams;
        // the commitment paid the fee; a reveal carries none
        let (_, results) =
            self.net
                .submit_workers((id, 0), nonce, None, &borrowed(&payloads), |p| {
                    Delivery::Reveal(streams.salt(id, p.0, nonce))
                });
        for (p, r) in payloads.into_iter().zip(results) {
            match r {
                Ok(()) => self.record_submitted(ti, k, &p),
                Err(e) => self.count_rejected(p.0, &e),
            }
        }
    }

    /// A worker's payload (or commitment) paid the topic's fee into its revenue.
    fn record_payload_fee(&mut self, worker: &'static str, fee: u128) {
        if fee > 0 {
            self.flows.payload_fees += fee;
            *self.flows.payload_fees_by.entry(worker).or_default() += fee;
        }
    }

    /// An inferer's payload of epoch `k` reached synthesis (in the clear or revealed).
    fn record_submitted(
        &mut self,
        ti: usize,
        k: u64,
        (class, (name, inference, _)): &ClassedPayload,
    ) {
        if let (&"worker", Some(v)) = (class, inference) {
            if let Some(rec) = self.topics[ti].records.get_mut(k as usize) {
                rec.submitted.insert(name, *v);
            }
        }
    }
}
