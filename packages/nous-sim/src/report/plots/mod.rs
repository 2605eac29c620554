//! The report's plots, one SVG each: losses of the network and its baselines
//! ([`losses`]), rewards per actor kind ([`rewards`]), listening coefficients per reputer
//! ([`listening`]) and topic weights ([`weights`]) over epochs. All drawn by [`chart`].

mod chart;
pub mod listening;
pub mod losses;
pub mod rewards;
pub mod weights;
