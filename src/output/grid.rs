//! Borderless tables as `kubectl get` prints them, for the formats that lay out rows
//! (`-o table`, the simulate and probe summaries, `gwctl explain`).
//!
//! No colour and no wrapping (comfy-table is built without its terminal features), so the
//! output is the same on and off a terminal and easy to `grep`.

use comfy_table::{ContentArrangement, Table, presets};

/// A borderless table with a header, as `kubectl get` prints.
pub fn plain_table<const N: usize>(header: [&str; N]) -> Table {
    let mut table = Table::new();
    table
        .load_style(presets::NOTHING)
        .set_content_arrangement(ContentArrangement::Disabled)
        .set_header(header);
    // Columns start at the margin and are two spaces apart, as in `kubectl get`.
    for column in table.column_iter_mut() {
        column.set_padding((0, 2));
    }
    table
}

/// The table's text without the padding comfy-table leaves at line ends.
pub fn finish(table: &Table) -> String {
    let mut out = String::new();
    for line in table.lines() {
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}
