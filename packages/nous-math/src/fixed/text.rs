//! `Fixed` as text: the shortest exact decimal (`Display`), parsing (`FromStr`, exact
//! or refused), and the JSON string form (serde, schemars) built on them.

use core::fmt;
use core::str::FromStr;

use super::{Fixed, SCALE};
use crate::error::{MathError, MathResult};

impl fmt::Display for Fixed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let neg = self.0 < 0;
        let abs = self.0.unsigned_abs();
        let int = abs / SCALE as u128;
        let frac = abs % SCALE as u128;
        if neg {
            f.write_str("-")?;
        }
        write!(f, "{int}")?;
        if frac != 0 {
            let digits = format!("{frac:018}");
            write!(f, ".{}", digits.trim_end_matches('0'))?;
        }
        Ok(())
    }
}

impl fmt::Debug for Fixed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Fixed({self})")
    }
}

impl FromStr for Fixed {
    type Err = MathError;

    /// Exact parse of a decimal string (`-12.5`, `1.5e-7`, `3E+02`); digits
    /// beyond the 18th decimal are truncated. NaN and infinities are refused
    /// with [`MathError::NonFinite`].
    fn from_str(s: &str) -> MathResult<Fixed> {
        let err = || MathError::Parse(s.chars().take(64).collect());
        let t = s.trim();
        let lower = t.to_ascii_lowercase();
        let body = lower.trim_start_matches(['+', '-']);
        if body.starts_with("nan") || body.starts_with("inf") {
            return Err(MathError::NonFinite("decimal string"));
        }
        let (neg, rest) = match t.as_bytes().first() {
            Some(b'-') => (true, &t[1..]),
            Some(b'+') => (false, &t[1..]),
            _ => (false, t),
        };
        let (mant, exp) = match rest.find(['e', 'E']) {
            Some(i) => {
                let e: i64 = rest[i + 1..].parse().map_err(|_| err())?;
                (&rest[..i], e)
            }
            None => (rest, 0),
        };
        let (int_part, frac_part) = match mant.find('.') {
            Some(i) => (&mant[..i], &mant[i + 1..]),
            None => (mant, ""),
        };
        if int_part.is_empty() && frac_part.is_empty() {
            return Err(err());
        }
        if !int_part.bytes().all(|b| b.is_ascii_digit())
            || !frac_part.bytes().all(|b| b.is_ascii_digit())
        {
            return Err(err());
        }
        let digits: Vec<u8> = int_part
            .bytes()
            .chain(frac_part.bytes())
            .map(|b| b - b'0')
            .skip_while(|d| *d == 0)
            .collect();
        if digits.is_empty() {
            return Ok(Fixed::ZERO);
        }
        if exp.abs() > 10_000 {
            return if exp < 0 {
                Ok(Fixed::ZERO)
            } else {
                Err(MathError::Overflow)
            };
        }
        // value = digits · 10^(exp − frac_len); raw = digits · 10^shift
        let shift = 18 + exp - frac_part.len() as i64;
        let keep = if shift >= 0 {
            digits.len() as i64
        } else {
            digits.len() as i64 + shift
        };
        if keep <= 0 {
            return Ok(Fixed::ZERO);
        }
        let mut acc: u128 = 0;
        for d in digits.iter().take(keep as usize) {
            acc = acc
                .checked_mul(10)
                .and_then(|a| a.checked_add(*d as u128))
                .ok_or(MathError::Overflow)?;
        }
        let mut k = shift.max(0);
        while k > 0 {
            acc = acc.checked_mul(10).ok_or(MathError::Overflow)?;
            k -= 1;
        }
        if neg {
            if acc == 1u128 << 127 {
                return Ok(Fixed::MIN);
            }
            i128::try_from(acc)
                .map(|a| Fixed(-a))
                .map_err(|_| MathError::Overflow)
        } else {
            i128::try_from(acc)
                .map(Fixed)
                .map_err(|_| MathError::Overflow)
        }
    }
}

impl serde::Serialize for Fixed {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Fixed {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Fixed, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Fixed;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a decimal number as a string")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Fixed, E> {
                v.parse().map_err(E::custom)
            }
        }
        deserializer.deserialize_str(V)
    }
}

impl schemars::JsonSchema for Fixed {
    fn schema_name() -> String {
        "Fixed".to_owned()
    }
    fn json_schema(gen: &mut schemars::gen::SchemaGenerator) -> schemars::schema::Schema {
        String::json_schema(gen)
    }
}

/// Parse a literal known to be valid (for constants built at run time).
pub(crate) fn lit(s: &str) -> Fixed {
    s.parse().unwrap_or(Fixed::ZERO)
}
