//! The one error type of the maths package.

use thiserror::Error;

/// Every way a maths function can refuse its input. No function of this
/// package panics on any input; each fallible step returns one of these.
#[derive(Error, Debug, Clone, PartialEq, Eq)]
pub enum MathError {
    #[error("arithmetic overflow")]
    Overflow,
    #[error("division by zero in {0}")]
    DivisionByZero(&'static str),
    #[error("non-finite number (NaN or infinity) given for {0}")]
    NonFinite(&'static str),
    #[error("{0} is outside its allowed range")]
    OutOfRange(&'static str),
    #[error("{0} must not be negative (or must be positive)")]
    InvalidSign(&'static str),
    #[error("{0} needs at least one value")]
    EmptyInput(&'static str),
    #[error("inputs do not match: {0}")]
    Mismatch(&'static str),
    #[error("cannot parse a decimal number from {0:?}")]
    Parse(String),
    #[error("{0} is outside the domain of the function")]
    Domain(&'static str),
    #[error("invalid parameter: {0}")]
    InvalidParam(&'static str),
}

/// Shorthand used by every module.
pub type MathResult<T> = Result<T, MathError>;
