//! The ground truth of an epoch is out: forecasters learn from the inferences the network
//! stored, and every reputer reports its loss bundle.

use anyhow::Result;
use nous_chain::Chain;

use super::Driver;
use crate::actors::forecasters::Revealed;
use crate::actors::reputers;
use crate::units::num;

impl<C: Chain> Driver<'_, C> {
    /// The ground truth of epoch `k` of topic `ti` is revealed.
    pub(super) fn reveal_truth(&mut self, ti: usize, k: u64) -> Result<()> {
        let t = &self.topics[ti];
        let Some(ni) = self.net.network_inference(t.id, t.nonce0 + k) else {
            return Ok(());
        };
        let revealed = Revealed {
            epoch: k,
            truth: t.series.truth(k),
            regime: t.series.regime(k),
            inferences: ni
                .inferences
                .iter()
                .map(|w| (w.worker, num(&w.value)))
                .collect(),
            network: num(&ni.combined),
        };
        for (fi, f) in self.sc.forecasters.iter().enumerate() {
            self.memories[ti][fi].learn(f, &t.series, &revealed);
        }
        let last_consensus = self.last_scored[ti]
            .and_then(|n| self.net.network_losses(t.id, t.nonce0 + n))
            .map(|r| r.losses);
        let mut bundles = vec![];
        for (spec, name) in self.sc.reputers.iter().zip(&self.roster.reputers) {
            let rng = self.streams.get(format!("reputer/{}/{}", t.id, spec.name));
            let bundle = reputers::bundle(
                &spec.behaviour,
                &ni,
                &t.series,
                k,
                last_consensus.as_ref(),
                rng,
            )?;
            bundles.push((*name, bundle));
        }
        let (id, nonce) = (t.id, t.nonce0 + k);
        for r in self.net.submit_losses(id, nonce, bundles) {
            if let Err(e) = r {
                self.count_rejected("reputer", &e);
            }
        }
        Ok(())
    }
}
