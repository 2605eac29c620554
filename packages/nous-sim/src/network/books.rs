//! The books: every balance of the suite token, and the check that every contract holds
//! what it owes and that no token was created or lost.

use anyhow::Result;
use cosmwasm_std::Addr;
use cw20::Denom;
use nous_chain::{Chain, ChainExt, SuiteContract};
use nous_types::staking;

use super::client::Network;

impl<C: Chain> Network<C> {
    fn balance_of(&self, a: &Addr) -> Result<u128> {
        Ok(match self.denom() {
            Denom::Native(d) => self.chain.balance(a, d)?,
            Denom::Cw20(token) => {
                let r: cw20::BalanceResponse = self.chain.query(
                    token,
                    &cw20::Cw20QueryMsg::Balance {
                        address: a.to_string(),
                    },
                )?;
                r.balance.u128()
            }
        })
    }

    pub fn balance(&self, who: &str) -> Result<u128> {
        self.balance_of(&self.addr(who)?)
    }

    /// The suite token held by every account, the suite's contracts, the chain-security
    /// recipient and the example consumer.
    pub(super) fn holdings(&self) -> Result<Vec<(String, u128)>> {
        let mut out = vec![];
        for (name, a) in &self.accounts {
            out.push((name.to_string(), self.balance_of(a)?));
        }
        for c in &self.deployment.contracts {
            out.push((c.0.name().to_string(), self.balance_of(&c.1.address)?));
        }
        let security = Addr::unchecked(&self.deployment.config.chain_security_recipient);
        if !self.accounts.values().any(|a| *a == security) {
            out.push(("chain security".into(), self.balance_of(&security)?));
        }
        if let Some(c) = &self.consumer {
            out.push(("example-consumer".into(), self.balance_of(c)?));
        }
        Ok(out)
    }

    /// Checks every contract's books and that no token was created or lost (the gas fees
    /// the accounts paid counted); returns a one-line summary.
    pub fn conservation(&self) -> Result<String> {
        let bal = |c: SuiteContract| -> Result<u128> { self.balance_of(&self.contract(c)?) };
        let registry = bal(SuiteContract::TopicRegistry)?;
        anyhow::ensure!(registry == 0, "registry holds {registry}");
        let vault = bal(SuiteContract::FeeVault)?;
        let treasury = self.treasury()?;
        anyhow::ensure!(
            vault == treasury,
            "vault balance {vault} != treasury {treasury}"
        );
        let totals: staking::TotalsResponse =
            self.query(SuiteContract::Staking, &staking::QueryMsg::Totals {})?;
        let staking = bal(SuiteContract::Staking)?;
        let owed = totals.total_staked.u128() + totals.reward_funds.u128();
        anyhow::ensure!(
            staking == owed,
            "staking balance {staking} != stake + reward funds {owed}"
        );
        let rd_totals = self.reward_totals()?;
        let rewards = bal(SuiteContract::RewardDistribution)?;
        let rd_owed = rd_totals.claimable.u128() + rd_totals.dust.u128() + rd_totals.parked.u128();
        anyhow::ensure!(
            rewards == rd_owed,
            "reward-distribution balance {rewards} != claimable + dust + parked {rd_owed}"
        );
        let synthesis = bal(SuiteContract::Synthesis)?;
        anyhow::ensure!(synthesis == 0, "synthesis holds {synthesis}");
        let consumer = self
            .consumer
            .as_ref()
            .map(|c| self.balance_of(c))
            .transpose()?
            .unwrap_or(0);
        let security = self.balance_of(&Addr::unchecked(
            &self.deployment.config.chain_security_recipient,
        ))?;
        let mut accounts = 0u128;
        for a in self.accounts.values() {
            accounts += self.balance_of(a)?;
        }
        let total =
            accounts + registry + vault + staking + rewards + synthesis + consumer + security;
        anyhow::ensure!(
            total + self.fees_paid == self.initial_supply,
            "supply {total} + gas fees {} != {} at the start",
            self.fees_paid,
            self.initial_supply
        );
        let fees = if self.fees_paid > 0 {
            format!(" + gas fees {}", self.fees_paid)
        } else {
            String::new()
        };
        Ok(format!(
            "ok: supply {} = accounts {} + treasury {} + staking {} + reward-distribution {} (claimable {} + dust {}) + chain security {} + consumer {}{fees}",
            self.initial_supply, accounts, vault, staking, rewards, rd_totals.claimable, rd_totals.dust, security, consumer
        ))
    }
}
