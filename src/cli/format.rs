//! How the command line offers the output choices: `-o` lists the formats a command's
//! report is offered in ([`crate::output::CHECK`], ...), with their help; `--color` the
//! colour choices. Here, so that `output` does not depend on the argument parser.

use clap::ValueEnum;
use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};

use crate::output::{ColorChoice, Format, Offer};

/// The parser of `-o` for a report offered in `offers`.
pub fn parser<R: Send + Sync + 'static>(
    offers: &'static [Offer<R>],
) -> impl TypedValueParser<Value = Format> {
    let values = offers
        .iter()
        .map(|o| PossibleValue::new(o.format.name()).help(o.help));
    PossibleValuesParser::new(values).map(move |name: String| {
        offers
            .iter()
            .map(|o| o.format)
            .find(|f| f.name() == name)
            // Unreachable: the name was checked against the same offers.
            .unwrap_or(Format::Human)
    })
}

/// The message for a format a report is not offered in (the parser lets none through).
pub fn not_offered(format: Format) -> String {
    format!("-o {} is not offered here", format.name())
}

impl ValueEnum for ColorChoice {
    fn value_variants<'a>() -> &'a [Self] {
        &[ColorChoice::Auto, ColorChoice::Always, ColorChoice::Never]
    }

    fn to_possible_value(&self) -> Option<PossibleValue> {
        Some(PossibleValue::new(match self {
            ColorChoice::Auto => "auto",
            ColorChoice::Always => "always",
            ColorChoice::Never => "never",
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::{CHECK, DIFF, PROBE, SIMULATE};

    fn parses_to_itself<R: Send + Sync + 'static>(offers: &'static [Offer<R>]) {
        let command =
            clap::Command::new("t").arg(clap::Arg::new("o").long("o").value_parser(parser(offers)));
        for offer in offers {
            let matches = command
                .clone()
                .try_get_matches_from(["t", "--o", offer.format.name()])
                .unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(matches.get_one::<Format>("o"), Some(&offer.format));
        }
        assert!(command.try_get_matches_from(["t", "--o", "xml"]).is_err());
    }

    #[test]
    fn every_offered_format_parses_to_itself() {
        parses_to_itself(CHECK);
        parses_to_itself(SIMULATE);
        parses_to_itself(DIFF);
        parses_to_itself(PROBE);
    }
}
