//! `probe -o human`: a table of predicted and observed answers, every difference, failure
//! and skip, then a summary line.

use crate::output::grid::{finish, plain_table};
use crate::output::view::ProbeView;
use crate::output::{Detail, Style};
use crate::probe::Verdict;
use crate::text::printable;

/// The table, then each difference, failure and skip, then a summary line; with
/// [`Detail::Quiet`], one line per request that does not agree.
pub fn render(view: &ProbeView<'_>, style: &Style) -> String {
    if style.detail == Detail::Quiet {
        return (view.results.iter())
            .filter(|r| !matches!(r.verdict, Verdict::Agrees))
            .map(|r| {
                let line = format!(
                    "{} ({}): {}: predicted {}, observed {}",
                    r.request_line,
                    r.name,
                    r.verdict.as_str(),
                    r.predicted_text,
                    r.observed_text
                );
                printable(&line).into_owned() + "\n"
            })
            .collect();
    }
    let heading = format!("Probing Gateway {} at {}", view.gateway, view.address);
    let mut out = format!("{}\n\n", printable(&heading));
    let mut table = plain_table(["REQUEST", "PREDICTED", "OBSERVED", "RESULT"]);
    for r in &view.results {
        table.add_row([
            printable(&r.request_line).into_owned(),
            printable(&r.predicted_text).into_owned(),
            printable(&r.observed_text).into_owned(),
            style.verdict(r.is_good(), r.verdict.as_str()),
        ]);
    }
    out.push_str(&finish(&table));
    for r in &view.results {
        let lines: Vec<String> = match r.verdict {
            Verdict::Agrees => continue,
            Verdict::Disagrees(differences) => differences.clone(),
            Verdict::Failed(error) => vec![format!("no answer: {error}")],
            Verdict::Skipped(reason) => vec![format!("skipped: {reason}")],
        };
        let heading = format!("{} ({})", r.request_line, r.name);
        out.push_str(&format!("\n{}\n", printable(&heading)));
        // Derived requests are named after their route; others say which route matched.
        if let Some(route) = r.predicted.route.filter(|&route| route != r.name) {
            out.push_str(&format!("  predicted route: {}\n", printable(route)));
        }
        for line in lines {
            out.push_str(&format!("  {}\n", printable(&line)));
        }
    }
    let c = &view.summary;
    let summary = format!(
        "\n{} request(s): {} agree, {} disagree, {} without answer, {} skipped\n",
        c.requests, c.agree, c.disagree, c.failed, c.skipped
    );
    out.push_str(&style.verdict(c.disagree + c.failed == 0, &summary));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::fixture::{probe_results, probe_run};

    #[test]
    fn human_shows_rows_differences_and_summary() {
        let results = probe_results();
        let text = render(&ProbeView::new(&probe_run(&results)), &Style::plain());
        assert!(
            text.contains(
                "GET http://127.0.0.1:80/product  200 → product/product  200 → product  agrees"
            ),
            "{text}"
        );
        assert!(
            text.contains("status: predicted 404 (NotFound), observed 200"),
            "{text}"
        );
        assert!(text.contains("no answer: no answer within 5s"), "{text}");
        assert!(
            text.ends_with("3 request(s): 1 agree, 1 disagree, 1 without answer, 0 skipped\n"),
            "{text}"
        );
    }
}
