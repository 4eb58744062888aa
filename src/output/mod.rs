//! Rendering. Output never analyses: each report (`check`, `simulate`, `diff`, `probe`) is
//! first projected into its [`view`], and every format renders that view.
//!
//! One file per format: [`human`] (miette snippets, traces, tables), [`table`], [`json`]
//! (every `gwctl/v1` document of `shared/docs/report-format.md`), [`yaml`], [`sarif`],
//! [`github`], [`junit`]. Formats import the view, [`grid`] and [`Style`], never each other.
//! Which report is offered in which format, with the help `-o` shows, is the tables
//! [`CHECK`], [`SIMULATE`], [`DIFF`] and [`PROBE`]: a new format is its file, a [`Format`]
//! variant and a row.

pub mod github;
pub mod grid;
pub mod human;
pub mod json;
pub mod junit;
pub mod rules_doc;
pub mod sarif;
mod style;
pub mod table;
pub mod view;
pub mod yaml;

#[cfg(test)]
mod fixture;

pub use style::{Color, ColorChoice, Detail, Style, WIDTH};
pub use view::{CheckView, DiffRun, DiffView, ProbeRun, ProbeView, Report, SideRun, Simulation};

/// An output format. Each report is offered in some of them, listed with the help `-o`
/// shows and the renderer: [`CHECK`], [`SIMULATE`], [`DIFF`], [`PROBE`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Human,
    Table,
    Json,
    Yaml,
    StatusYaml,
    Sarif,
    Github,
    Junit,
}

impl Format {
    /// The value of `-o`.
    pub fn name(self) -> &'static str {
        match self {
            Format::Human => "human",
            Format::Table => "table",
            Format::Json => "json",
            Format::Yaml => "yaml",
            Format::StatusYaml => "status-yaml",
            Format::Sarif => "sarif",
            Format::Github => "github",
            Format::Junit => "junit",
        }
    }

    /// Whether people read it at a terminal rather than tools in a pipeline: `--quiet`
    /// shortens such output to the summary line.
    pub fn is_for_people(self) -> bool {
        match self {
            Format::Human | Format::Table => true,
            Format::Json
            | Format::Yaml
            | Format::StatusYaml
            | Format::Sarif
            | Format::Github
            | Format::Junit => false,
        }
    }
}

/// A format a report is offered in: its `-o` help and its renderer.
#[derive(Debug)]
pub struct Offer<R> {
    pub format: Format,
    /// One line, without a final full stop.
    pub help: &'static str,
    pub render: R,
}

/// Renders `gwctl check`'s report.
pub type CheckRenderer = fn(&CheckView<'_>, &Style) -> String;
/// Renders `gwctl simulate`'s results.
pub type SimulateRenderer = fn(&Simulation<'_>, &Style) -> String;
/// Renders `gwctl diff`'s report.
pub type DiffRenderer = fn(&DiffView<'_>, &Style) -> String;
/// Renders `gwctl probe`'s results.
pub type ProbeRenderer = fn(&ProbeView<'_>, &Style) -> String;

/// The formats of `gwctl check`.
pub static CHECK: &[Offer<CheckRenderer>] = &[
    Offer {
        format: Format::Human,
        help: "Source snippets and a status summary",
        render: human::render,
    },
    Offer {
        format: Format::Table,
        help: "One row per route parent",
        render: |view, _| table::render(view),
    },
    Offer {
        format: Format::Json,
        help: "The `gwctl/v1` CheckReport",
        render: |view, _| json::render(view),
    },
    Offer {
        format: Format::Yaml,
        help: "The `gwctl/v1` CheckReport, in YAML",
        render: |view, _| yaml::report(view),
    },
    Offer {
        format: Format::StatusYaml,
        help: "Every input object; Gateway API objects with their predicted status",
        render: |view, _| yaml::render(view),
    },
    Offer {
        format: Format::Sarif,
        help: "SARIF 2.1.0, for code scanning",
        render: |view, _| sarif::render(view),
    },
    Offer {
        format: Format::Github,
        help: "GitHub Actions workflow commands (annotations)",
        render: |view, _| github::render(view),
    },
    Offer {
        format: Format::Junit,
        help: "JUnit XML: a test suite per file, a test case per object (for CI test reports)",
        render: |view, _| junit::check(view),
    },
];

/// The formats of `gwctl simulate`.
pub static SIMULATE: &[Offer<SimulateRenderer>] = &[
    Offer {
        format: Format::Human,
        help: "A short trace per (Gateway, port)",
        render: human::simulate::render,
    },
    Offer {
        format: Format::Json,
        help: "The `gwctl/v1` SimulationReport",
        render: |simulation, _| json::simulation(simulation),
    },
    Offer {
        format: Format::Junit,
        help: "JUnit XML, one test case per request (for CI test reports)",
        render: |simulation, _| junit::simulation(simulation),
    },
];

/// The formats of `gwctl diff`.
pub static DIFF: &[Offer<DiffRenderer>] = &[
    Offer {
        format: Format::Human,
        help: "Input errors, then one line per change, regressions marked",
        render: human::diff::render,
    },
    Offer {
        format: Format::Json,
        help: "The `gwctl/v1` DiffReport",
        render: |view, _| json::diff(view),
    },
];

/// The formats of `gwctl probe`.
pub static PROBE: &[Offer<ProbeRenderer>] = &[
    Offer {
        format: Format::Human,
        help: "A table of predicted and observed answers, and every difference",
        render: human::probe::render,
    },
    Offer {
        format: Format::Json,
        help: "The `gwctl/v1` ProbeReport",
        render: |view, _| json::probe(view),
    },
    Offer {
        format: Format::Junit,
        help: "JUnit XML: one test case per request",
        render: |view, _| junit::probe(view),
    },
];

/// The renderer of `format` among `offers`; `None` when the report is not offered in it
/// (the CLI offers only the listed formats).
fn offered<R: Copy>(offers: &[Offer<R>], format: Format) -> Option<R> {
    offers.iter().find(|o| o.format == format).map(|o| o.render)
}

/// Renders `gwctl check`'s report in `format`.
pub fn render_check(report: &Report<'_>, format: Format, style: &Style) -> Option<String> {
    offered(CHECK, format).map(|render| render(&CheckView::new(report), style))
}

/// Renders findings for people (what made a `--requests` file or a side of `diff`
/// unusable): snippets, or one line each with [`Detail::Quiet`].
pub fn render_findings(
    sources: &crate::input::Sources,
    diagnostics: &[crate::diag::Diagnostic],
    style: &Style,
) -> String {
    let views: Vec<view::DiagnosticView<'_>> = diagnostics
        .iter()
        .map(|d| view::DiagnosticView::new(sources, d))
        .collect();
    human::findings(&views, style)
}

/// Renders `gwctl simulate`'s results in `format`.
pub fn render_simulation(
    simulation: &Simulation<'_>,
    format: Format,
    style: &Style,
) -> Option<String> {
    offered(SIMULATE, format).map(|render| render(simulation, style))
}

/// Renders `gwctl diff`'s report in `format`.
pub fn render_diff(run: &DiffRun<'_>, format: Format, style: &Style) -> Option<String> {
    offered(DIFF, format).map(|render| render(&DiffView::new(run), style))
}

/// Renders `gwctl probe`'s results in `format`.
pub fn render_probe(run: &ProbeRun<'_>, format: Format, style: &Style) -> Option<String> {
    offered(PROBE, format).map(|render| render(&ProbeView::new(run), style))
}
