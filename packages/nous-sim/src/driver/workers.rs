//! An epoch opens: the consumer pays its funding and every worker submits, all in one
//! batch (on a node they share blocks); the deliberate refusals go out here too.

use anyhow::Result;
use nous_chain::Chain;

use super::{refusals, Driver};
use crate::actors::inferers::epoch_values;
use crate::network::Payload;
use crate::record::EpochRecord;
use crate::units::TOKEN;

/// A worker's payload with its forecast owned (see [`Payload`]).
type OwnedPayload = (&'static str, Option<f64>, Vec<(u32, f64)>);

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

    /// The consumer's funding and every worker's payload for epoch `k`; records what was
    /// submitted.
    fn submit_workers(&mut self, ti: usize, k: u64) {
        let spec = &self.sc.topics[ti];
        let funding = (spec.fund_per_epoch > 0).then_some(spec.fund_per_epoch * TOKEN);
        let t = &self.topics[ti];
        let mut rec = EpochRecord {
            epoch: k,
            regime: t.series.regime(k),
            truth: t.series.truth(k),
            ..Default::default()
        };
        let values = epoch_values(&self.sc.inferers, t.id, &t.series, k, &mut self.streams);
        // (class, payload): inferers first, then forecasters, in scenario order.
        let mut owned: Vec<OwnedPayload> = vec![];
        let mut classes: Vec<&'static str> = vec![];
        for (name, spec_index) in &self.roster.inferers {
            if let Some(v) = values[*spec_index] {
                owned.push((name, Some(v), vec![]));
                classes.push("worker");
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
            owned.push((self.roster.forecasters[fi], inference, forecast));
            classes.push("forecaster");
        }
        let payloads: Vec<Payload> = owned
            .iter()
            .map(|(n, i, f)| (*n, *i, f.as_slice()))
            .collect();
        let (funded, results) = self.net.submit_workers(
            t.id,
            t.nonce0 + k,
            funding.map(|a| ("consumer", a)),
            &payloads,
        );
        if let (Some(amount), Some(Ok(()))) = (funding, funded) {
            self.flows.topic_funding += amount;
            self.topics[ti].funding += amount;
        }
        for ((class, p), r) in classes.iter().zip(&payloads).zip(results) {
            match r {
                Ok(()) => {
                    if let (&"worker", Some(v)) = (class, p.1) {
                        rec.submitted.insert(p.0, v);
                    }
                }
                Err(e) => self.count_rejected(class, &e),
            }
        }
        self.topics[ti].records.push(rec);
    }
}
