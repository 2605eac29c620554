//! One way to draw every plot of the report: panels stacked in one SVG, each a line chart
//! with optional shaded spans (regimes) and a legend. SVG only: plotters without its `ttf`
//! feature measures text with built-in estimates and names a generic font family, so the
//! output needs no font files and is the same bytes for the same data.

use anyhow::{anyhow, Result};
use plotters::prelude::*;

/// Width of every plot, and height of one panel, in pixels.
const WIDTH: u32 = 1000;
const PANEL_HEIGHT: u32 = 260;
/// Height of the plot's title band.
const TITLE_HEIGHT: u32 = 36;

/// Distinct colours for lines (the first is the network's red in the loss plot).
pub const PALETTE: [RGBColor; 12] = [
    RGBColor(0xd6, 0x27, 0x28),
    RGBColor(0x1f, 0x77, 0xb4),
    RGBColor(0x2c, 0xa0, 0x2c),
    RGBColor(0x94, 0x67, 0xbd),
    RGBColor(0xff, 0x7f, 0x0e),
    RGBColor(0x8c, 0x56, 0x4b),
    RGBColor(0xe3, 0x77, 0xc2),
    RGBColor(0x7f, 0x7f, 0x7f),
    RGBColor(0xbc, 0xbd, 0x22),
    RGBColor(0x17, 0xbe, 0xcf),
    RGBColor(0x39, 0x3b, 0x79),
    RGBColor(0x63, 0x79, 0x39),
];

/// Background shades of the spans (regimes).
pub const SHADES: [RGBColor; 5] = [
    RGBColor(0xf2, 0xf2, 0xf2),
    RGBColor(0xff, 0xf4, 0xe0),
    RGBColor(0xfd, 0xe0, 0xe0),
    RGBColor(0xe0, 0xf0, 0xff),
    RGBColor(0xe8, 0xff, 0xe0),
];

/// One line of a panel: its points (None: a gap).
pub struct Line {
    pub name: String,
    pub color: RGBColor,
    pub width: u32,
    pub points: Vec<(f64, Option<f64>)>,
}

impl Line {
    pub fn new(name: impl Into<String>, i: usize, points: Vec<(f64, Option<f64>)>) -> Line {
        Line {
            name: name.into(),
            color: PALETTE[i % PALETTE.len()],
            width: 1,
            points,
        }
    }
}

/// A labelled background span `[from, to)` of the x axis.
pub struct Span {
    pub from: f64,
    pub to: f64,
    pub label: usize,
}

/// One panel: a title, axes, lines, spans (labels index `span_names`).
pub struct Panel {
    pub title: String,
    pub x_desc: String,
    pub y_desc: String,
    pub lines: Vec<Line>,
    pub spans: Vec<Span>,
    pub span_names: Vec<String>,
    /// Fixed y range (else from the data, widened to whole units when `whole_units`).
    pub y_range: Option<(f64, f64)>,
    pub whole_units: bool,
    /// This panel has its own legend, at its upper left (else the plot's shared legend
    /// names its lines).
    pub own_legend: bool,
}

impl Panel {
    pub fn new(title: impl Into<String>, x_desc: &str, y_desc: &str) -> Panel {
        Panel {
            title: title.into(),
            x_desc: x_desc.into(),
            y_desc: y_desc.into(),
            lines: vec![],
            spans: vec![],
            span_names: vec![],
            y_range: None,
            whole_units: false,
            own_legend: false,
        }
    }

    fn x_range(&self) -> (f64, f64) {
        let xs = self.lines.iter().flat_map(|l| l.points.iter().map(|p| p.0));
        let (lo, hi) = xs.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), x| {
            (a.min(x), b.max(x))
        });
        if lo.is_finite() && hi > lo {
            (lo, hi)
        } else {
            (0.0, 1.0)
        }
    }

    fn y_range(&self) -> (f64, f64) {
        if let Some(r) = self.y_range {
            return r;
        }
        let ys = self
            .lines
            .iter()
            .flat_map(|l| l.points.iter().flat_map(|p| p.1));
        let (lo, hi) = ys.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), y| {
            (a.min(y), b.max(y))
        });
        if !lo.is_finite() {
            return (0.0, 1.0);
        }
        if self.whole_units {
            (lo.floor(), hi.ceil().max(lo.floor() + 1.0))
        } else {
            let pad = ((hi - lo) * 0.05).max(1e-9);
            (lo - pad, hi + pad)
        }
    }
}

/// Height of one row of the shared legend.
const LEGEND_ROW: i32 = 18;

/// The SVG of `panels` stacked under `title`. With `shared_legend`, one legend for every
/// panel (the first panel's spans and lines) runs in rows under the title, where it
/// covers no data.
pub fn svg(title: &str, panels: &[Panel], shared_legend: bool) -> Result<String> {
    let mut out = String::new();
    let legend: Vec<(String, Swatch)> = match (shared_legend, panels.first()) {
        (true, Some(p)) => legend_entries(p),
        _ => vec![],
    };
    let rows = legend_layout(&legend, WIDTH as i32).1;
    let strip = if rows > 0 { rows * LEGEND_ROW + 8 } else { 0 };
    let height = TITLE_HEIGHT + strip as u32 + PANEL_HEIGHT * panels.len().max(1) as u32;
    {
        let root = SVGBackend::with_string(&mut out, (WIDTH, height)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| anyhow!("{e}"))?;
        let root = root
            .titled(title, ("sans-serif", 16))
            .map_err(|e| anyhow!("{e}"))?;
        let (top, body) = root.split_vertically(strip);
        draw_legend(&top, &legend)?;
        for (area, panel) in body
            .split_evenly((panels.len().max(1), 1))
            .iter()
            .zip(panels)
        {
            draw_panel(area, panel)?;
        }
        root.present().map_err(|e| anyhow!("{e}"))?;
    }
    out.push('\n');
    Ok(out)
}

/// What a legend entry shows beside its name.
#[derive(Clone, Copy)]
enum Swatch {
    Line(RGBColor, u32),
    Shade(RGBColor),
}

fn legend_entries(p: &Panel) -> Vec<(String, Swatch)> {
    let lines = p
        .lines
        .iter()
        .map(|l| (l.name.clone(), Swatch::Line(l.color, l.width.max(2))));
    let spans = p
        .span_names
        .iter()
        .enumerate()
        .map(|(i, n)| (n.clone(), Swatch::Shade(SHADES[i % SHADES.len()])));
    lines.chain(spans).collect()
}

/// Where each legend entry starts (x, row) and the number of rows. Text widths are
/// estimated (about 0.6 of the font size per character): no font is read.
fn legend_layout(entries: &[(String, Swatch)], width: i32) -> (Vec<(i32, i32)>, i32) {
    let (mut x, mut row, mut at) = (LEGEND_LEFT, 0, vec![]);
    for (name, _) in entries {
        let w = 24 + (name.chars().count() as i32 * 66) / 10 + 18;
        if x + w > width - 10 && x > LEGEND_LEFT {
            x = LEGEND_LEFT;
            row += 1;
        }
        at.push((x, row));
        x += w;
    }
    let rows = if entries.is_empty() { 0 } else { row + 1 };
    (at, rows)
}

const LEGEND_LEFT: i32 = 72;

fn draw_legend(
    area: &DrawingArea<SVGBackend, plotters::coord::Shift>,
    entries: &[(String, Swatch)],
) -> Result<()> {
    let (at, _) = legend_layout(entries, WIDTH as i32);
    for ((name, swatch), (x, row)) in entries.iter().zip(at) {
        let y = row * LEGEND_ROW + LEGEND_ROW / 2 + 2;
        match swatch {
            Swatch::Line(c, w) => area.draw(&PathElement::new(
                vec![(x, y), (x + 18, y)],
                ShapeStyle::from(*c).stroke_width(*w),
            )),
            Swatch::Shade(c) => area.draw(&Rectangle::new(
                [(x, y - 5), (x + 14, y + 5)],
                ShapeStyle::from(*c).filled(),
            )),
        }
        .map_err(|e| anyhow!("{e}"))?;
        area.draw(&Text::new(
            name.clone(),
            (x + 24, y - 6),
            ("sans-serif", 11).into_font(),
        ))
        .map_err(|e| anyhow!("{e}"))?;
    }
    Ok(())
}

/// Axis numbers: whole numbers without a decimal point, large ones in thousands (k) or
/// millions (M).
fn axis_number(v: &f64) -> String {
    let a = v.abs();
    if a >= 1e6 {
        format!("{:.1}M", v / 1e6)
    } else if a >= 1e4 {
        format!("{:.0}k", v / 1e3)
    } else if (v - v.round()).abs() < 1e-9 {
        format!("{v:.0}")
    } else {
        format!("{v:.2}")
    }
}

fn draw_panel(area: &DrawingArea<SVGBackend, plotters::coord::Shift>, p: &Panel) -> Result<()> {
    let err = |e: DrawingAreaErrorKind<_>| anyhow!("{e}");
    let (x0, x1) = p.x_range();
    let (y0, y1) = p.y_range();
    let mut chart = ChartBuilder::on(area)
        .caption(&p.title, ("sans-serif", 13))
        .margin_left(8)
        .margin_right(16)
        .margin_bottom(4)
        .x_label_area_size(34)
        .y_label_area_size(64)
        .build_cartesian_2d(x0..x1, y0..y1)
        .map_err(err)?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .light_line_style(WHITE)
        .bold_line_style(RGBColor(0xdd, 0xdd, 0xdd))
        .x_desc(p.x_desc.as_str())
        .y_desc(p.y_desc.as_str())
        .x_label_formatter(&axis_number)
        .y_label_formatter(&axis_number)
        .label_style(("sans-serif", 11))
        .draw()
        .map_err(err)?;
    chart
        .draw_series(p.spans.iter().map(|s| {
            Rectangle::new(
                [(s.from, y0), (s.to, y1)],
                SHADES[s.label % SHADES.len()].filled(),
            )
        }))
        .map_err(err)?;
    // Drawn last to first so that the first line (the network, in the loss plot) is on top.
    for line in p.lines.iter().rev() {
        let style = ShapeStyle::from(line.color).stroke_width(line.width);
        for segment in segments(&line.points) {
            chart
                .draw_series(LineSeries::new(segment, style))
                .map_err(err)?;
        }
    }
    if p.own_legend {
        for (i, name) in p.span_names.iter().enumerate() {
            let shade = SHADES[i % SHADES.len()];
            chart
                .draw_series(std::iter::empty::<Rectangle<(f64, f64)>>())
                .map_err(err)?
                .label(name)
                .legend(move |(x, y)| {
                    Rectangle::new([(x, y - 5), (x + 14, y + 5)], shade.filled())
                });
        }
        for line in &p.lines {
            let style = ShapeStyle::from(line.color).stroke_width(line.width.max(2));
            chart
                .draw_series(std::iter::empty::<PathElement<(f64, f64)>>())
                .map_err(err)?
                .label(&line.name)
                .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], style));
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperLeft)
            .background_style(WHITE.mix(0.85))
            .border_style(RGBColor(0xbb, 0xbb, 0xbb))
            .label_font(("sans-serif", 11))
            .draw()
            .map_err(err)?;
    }
    Ok(())
}

/// The runs of consecutive points that have a value.
fn segments(points: &[(f64, Option<f64>)]) -> Vec<Vec<(f64, f64)>> {
    let mut out: Vec<Vec<(f64, f64)>> = vec![];
    let mut current = vec![];
    for (x, y) in points {
        match y {
            Some(y) => current.push((*x, *y)),
            None if !current.is_empty() => out.push(std::mem::take(&mut current)),
            None => {}
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}
