//! CSV and TSV notes: a header row names the term and note columns; quoted fields may hold
//! separators, doubled quotes and line breaks.
use super::table::header;

/// `Some(("csv", ','))` or `Some(("tsv", '\t'))` when the first non-empty line is a header row.
pub(crate) fn sniff(text: &str) -> Option<(&'static str, char)> {
    let first = text.lines().find(|l| !l.trim().is_empty())?;
    let (format, sep) = if first.contains('\t') {
        ("tsv", '\t')
    } else {
        ("csv", ',')
    };
    let row = rows(first, sep).into_iter().next()?;
    (row.len() >= 2 && header(&row).is_some()).then_some((format, sep))
}

pub(crate) fn rows(text: &str, sep: char) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => quoted = false,
                _ => field.push(c),
            }
        } else if c == '"' && field.trim().is_empty() {
            field.clear();
            quoted = true;
        } else if c == sep {
            row.push(std::mem::take(&mut field));
        } else if c == '\n' {
            row.push(std::mem::take(&mut field));
            rows.push(std::mem::take(&mut row));
        } else {
            field.push(c);
        }
    }
    if !field.is_empty() || !row.is_empty() {
        row.push(field);
        rows.push(row);
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_fields() {
        let text = "序号,词条,注释\n1,\"PM2.5\",\"颗粒物, \"\"细\"\"\n颗粒物\"\n";
        assert_eq!(sniff(text), Some(("csv", ',')));
        let rows = rows(text, ',');
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[1], vec!["1", "PM2.5", "颗粒物, \"细\"\n颗粒物"]);
    }

    #[test]
    fn tsv_and_plain_text() {
        assert_eq!(sniff("名词\t解释\n"), Some(("tsv", '\t')));
        assert_eq!(sniff("注释\n1.三保\u{FF1A}保运转。"), None);
    }
}
