//! The report of a run: the text summary ([`text`], also `report.txt`) ending in the
//! [`scorecard`], one CSV row per topic epoch ([`epochs_csv`]) and per participant
//! ([`actors_csv`]), and the plots ([`plots`]), from what the run recorded and
//! what [`metrics`] measures in it.

pub mod actors_csv;
pub mod epochs_csv;
mod format;
pub mod metrics;
pub mod plots;
mod questions;
pub mod scorecard;
pub mod text;

use std::path::Path;

use anyhow::{Context, Result};

use crate::record::Run;

/// Everything a run writes, rendered: the summary, `epochs.csv` and each plot by file name.
pub struct Files {
    pub summary: String,
    pub csv: String,
    /// `actors.csv`.
    pub actors: String,
    pub plots: Vec<(&'static str, String)>,
}

impl Files {
    /// Every file name, in the order written.
    pub fn names(&self) -> Vec<&'static str> {
        let mut v = vec!["report.txt", "epochs.csv", "actors.csv"];
        v.extend(self.plots.iter().map(|(n, _)| *n));
        v
    }
}

pub fn render(run: &Run) -> Result<Files> {
    Ok(Files {
        summary: text::summary(run),
        csv: epochs_csv::epochs_csv(run)?,
        actors: actors_csv::actors_csv(run)?,
        plots: vec![
            ("losses.svg", plots::losses::losses_svg(run)?),
            ("rewards.svg", plots::rewards::rewards_svg(run)?),
            ("listening.svg", plots::listening::listening_svg(run)?),
            ("weights.svg", plots::weights::weights_svg(run)?),
        ],
    })
}

/// Renders and writes `report.txt`, `epochs.csv` and the plots into `dir`.
pub fn write_all(run: &Run, dir: &Path) -> Result<Files> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let f = render(run)?;
    let write = |name: &str, text: &str| {
        std::fs::write(dir.join(name), text)
            .with_context(|| format!("writing {}", dir.join(name).display()))
    };
    write("report.txt", &f.summary)?;
    write("epochs.csv", &f.csv)?;
    write("actors.csv", &f.actors)?;
    for (name, svg) in &f.plots {
        write(name, svg)?;
    }
    Ok(f)
}
