//! Folios: `— N —` (U+2014, a space, the page number, a space, U+2014), GB/T 9704 §7.5.

/// U+2014 EM DASH, on both sides of the page number.
pub const FOLIO_DASH: char = '\u{2014}';

/// What stands before the page number.
pub fn before() -> String {
    format!("{FOLIO_DASH} ")
}

/// What stands after the page number.
pub fn after() -> String {
    format!(" {FOLIO_DASH}")
}

/// The folio of page `n` (1-based).
pub fn folio(n: usize) -> String {
    format!("{}{n}{}", before(), after())
}

/// Every character a folio can draw.
pub fn characters() -> String {
    format!("{}0123456789{}", before(), after())
}

#[cfg(test)]
mod tests {
    #[test]
    fn folio_reads_dash_number_dash() {
        assert_eq!(super::folio(12), "\u{2014} 12 \u{2014}");
    }
}
