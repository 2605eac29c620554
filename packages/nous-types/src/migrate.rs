//! The one `migrate` rule every contract applies: same contract name, no downgrade.

use cosmwasm_std::{Response, StdError, Storage};
use thiserror::Error;

#[derive(Error, Debug, PartialEq)]
pub enum MigrateError {
    #[error(transparent)]
    Std(#[from] StdError),

    #[error("cannot migrate from contract {stored} to {expected}")]
    WrongContract { stored: String, expected: String },

    #[error("cannot migrate from version {stored} down to {new}")]
    Downgrade { stored: String, new: String },

    #[error("unparsable version {0}")]
    BadVersion(String),
}

fn parse(v: &str) -> Result<(u64, u64, u64), MigrateError> {
    let core = v.split(['-', '+']).next().unwrap_or(v);
    let mut parts = core.split('.').map(|p| p.parse::<u64>());
    match (parts.next(), parts.next(), parts.next(), parts.next()) {
        (Some(Ok(a)), Some(Ok(b)), Some(Ok(c)), None) => Ok((a, b, c)),
        _ => Err(MigrateError::BadVersion(v.to_string())),
    }
}

/// Checks the stored cw2 record against `name`/`version`, writes the new version and
/// returns a response reporting both. Same version is allowed (a config-only migration).
pub fn migrate_version(
    storage: &mut dyn Storage,
    name: &str,
    version: &str,
) -> Result<Response, MigrateError> {
    let stored = cw2::get_contract_version(storage)?;
    if stored.contract != name {
        return Err(MigrateError::WrongContract {
            stored: stored.contract,
            expected: name.to_string(),
        });
    }
    if parse(&stored.version)? > parse(version)? {
        return Err(MigrateError::Downgrade {
            stored: stored.version,
            new: version.to_string(),
        });
    }
    cw2::set_contract_version(storage, name, version)?;
    Ok(Response::new()
        .add_attribute("action", "migrate")
        .add_attribute("contract", name)
        .add_attribute("from_version", stored.version)
        .add_attribute("to_version", version))
}

#[cfg(test)]
mod tests {
    use super::*;
    use cosmwasm_std::testing::MockStorage;

    #[test]
    fn refuses_other_contract_and_downgrade() {
        let mut s = MockStorage::new();
        cw2::set_contract_version(&mut s, "a", "1.2.0").unwrap();
        assert!(matches!(
            migrate_version(&mut s, "b", "1.2.0"),
            Err(MigrateError::WrongContract { .. })
        ));
        assert!(matches!(
            migrate_version(&mut s, "a", "1.1.9"),
            Err(MigrateError::Downgrade { .. })
        ));
        let r = migrate_version(&mut s, "a", "1.10.0").unwrap();
        assert_eq!(r.attributes[2].value, "1.2.0");
        assert_eq!(cw2::get_contract_version(&s).unwrap().version, "1.10.0");
    }
}
