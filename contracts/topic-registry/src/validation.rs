//! Validation of the suite's token (the registry's denom). Parameters are validated by
//! `GlobalParams::validate` and `TopicParams::validate` in `nous_types::params`, with the
//! bounds the maths states once.

use cosmwasm_std::Api;
use cw20::Denom;

use crate::ContractError;

/// The suite's token: a cw20 address must be a valid address; a native denom follows the
/// Cosmos SDK rule (3..=128 chars, a letter first, then letters, digits, `/:._-`).
pub fn validate_denom(api: &dyn Api, denom: &Denom) -> Result<Denom, ContractError> {
    match denom {
        Denom::Cw20(addr) => Ok(Denom::Cw20(api.addr_validate(addr.as_str())?)),
        Denom::Native(d) => {
            let ok_len = (3..=128).contains(&d.len());
            let mut chars = d.chars();
            let ok_first = chars.next().is_some_and(|c| c.is_ascii_alphabetic());
            let ok_rest = chars
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '/' | ':' | '.' | '_' | '-'));
            if ok_len && ok_first && ok_rest {
                Ok(denom.clone())
            } else {
                Err(ContractError::InvalidDenom { denom: d.clone() })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cosmwasm_std::testing::MockApi;
    use cosmwasm_std::Addr;

    #[test]
    fn denoms_are_validated() {
        let api = MockApi::default();
        validate_denom(&api, &Denom::Native("unous".into())).unwrap();
        validate_denom(&api, &Denom::Native("ibc/27394FB092D2ECCD".into())).unwrap();
        for bad in ["", "ab", "1abc", "u nous", &"a".repeat(129)] {
            assert_eq!(
                validate_denom(&api, &Denom::Native(bad.to_string())).unwrap_err(),
                ContractError::InvalidDenom {
                    denom: bad.to_string()
                }
            );
        }
        let token = api.addr_make("token");
        assert_eq!(
            validate_denom(&api, &Denom::Cw20(token.clone())).unwrap(),
            Denom::Cw20(token)
        );
        assert!(matches!(
            validate_denom(&api, &Denom::Cw20(Addr::unchecked("Not An Address"))),
            Err(ContractError::Std(_))
        ));
    }
}
