//! fee-vault: the emission treasury, topic funding, the read fee.

use anyhow::Result;
use nous_chain::{Chain, SuiteContract, Tx};
use nous_types::fee_vault;

use super::client::Network;

impl<C: Chain> Network<C> {
    pub fn fund_treasury(&mut self, payer: &str, amount: u128) -> Result<()> {
        let vault = self.contract(SuiteContract::FeeVault)?;
        let m = self.pay_msg(
            &vault,
            amount,
            &fee_vault::ExecuteMsg::FundTreasury {},
            &fee_vault::ReceiveMsg::FundTreasury {},
        )?;
        self.send("fund treasury", payer, vec![m]).map(|_| ())
    }

    pub fn fund_topic(&mut self, payer: &str, topic: u64, amount: u128) -> Result<()> {
        let (kind, tx) = self.fund_topic_tx(payer, topic, amount)?;
        let r = self.chain.execute(&tx);
        self.record(kind, false, &r);
        r.map(|_| ()).map_err(Into::into)
    }

    /// `payer`'s funding of `topic`, to send alone or in a batch.
    pub(super) fn fund_topic_tx(
        &self,
        payer: &str,
        topic: u64,
        amount: u128,
    ) -> Result<(String, Tx)> {
        let vault = self.contract(SuiteContract::FeeVault)?;
        let m = self.pay_msg(
            &vault,
            amount,
            &fee_vault::ExecuteMsg::FundTopic { topic_id: topic },
            &fee_vault::ReceiveMsg::FundTopic { topic_id: topic },
        )?;
        Ok((
            "fund topic".to_string(),
            Tx::new(&self.addr(payer)?, vec![m]),
        ))
    }

    pub fn read_fee(&self, topic: u64) -> Result<u128> {
        let fee: fee_vault::ReadFeeResponse = self.query(
            SuiteContract::FeeVault,
            &fee_vault::QueryMsg::ReadFee { topic_id: topic },
        )?;
        Ok(fee.amount.u128())
    }

    pub fn treasury(&self) -> Result<u128> {
        let r: fee_vault::TreasuryResponse =
            self.query(SuiteContract::FeeVault, &fee_vault::QueryMsg::Treasury {})?;
        Ok(r.balance.u128())
    }
}
