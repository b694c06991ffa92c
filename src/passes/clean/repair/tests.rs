//! Fixtures made by running the forward model on clean text written here, and the real report.
use super::*;

fn chars(s: &str) -> Vec<char> {
    s.chars().collect()
}

/// The damaged line the forward model makes from `clean`, and what the repair of its one
/// suspicious span gives back (`None`: left flagged).
fn damage_and_repair(
    clean: &str,
    glosses: &Glosses,
    cut: Option<usize>,
) -> (String, Option<Repair>) {
    let observed = forward(clean, glosses, cut).expect("GBK encodes the fixture");
    let line = chars(&observed);
    let spans = suspicious::spans(&line);
    assert_eq!(spans.len(), 1, "one suspicious span in {observed}");
    let (start, end, flagged) = &spans[0];
    let r = repair(&line, (*start, *end), flagged, glosses);
    (observed, r)
}

/// The repaired line, glosses removed.
fn repaired_line(observed: &str, r: &Repair) -> String {
    let mut line = chars(observed);
    line.splice(r.start..r.end, r.text.iter().copied());
    strip_glosses(&line)
}

/// The byte offset (in the glossed stream) just after the lead byte of `clean`'s `nth` character.
fn cut_after_lead(clean: &str, glosses: &Glosses, nth: usize) -> usize {
    let before: String = clean.chars().take(nth).collect();
    let glossed = forward(&before, glosses, None).unwrap();
    site_gbk::encode_str(glossed.chars()).unwrap().len() + 1
}

#[test]
fn gloss_shift_with_one_candidate_is_repaired() {
    // 氣 is 9A E2, 用 D3 C3: the bytes C3 9A spell 脷, glossed here, so its gloss lands between
    // 用 and 氣 and the bytes after it are read one byte late until 設's trail byte `O`.
    let clean = "保障居民用氣安全\u{FF0C}設施完好\u{3002}";
    let glosses = Glosses::from_pairs([('脷', "lì")]);
    let (observed, r) = damage_and_repair(clean, &glosses, None);
    assert!(observed.starts_with("保障居民用?lì)"), "{observed}");
    assert!(observed.contains('O'), "{observed}");
    let r = r.expect("repaired");
    assert_eq!(r.method, "gloss-shift");
    assert_eq!(r.inferred, "");
    assert_eq!(repaired_line(&observed, &r), clean);
}

#[test]
fn a_shift_that_does_not_realign_inside_the_span_stays_flagged() {
    // As above without `設施`: no ASCII trail byte comes before the end of the span, so the
    // characters after the gloss cannot be re-paired with certainty.
    let clean = "保障居民用氣安全\u{3002}";
    let glosses = Glosses::from_pairs([('脷', "lì")]);
    let (observed, r) = damage_and_repair(clean, &glosses, None);
    assert!(observed.starts_with("保障居民用?lì)"), "{observed}");
    assert_eq!(r, None);
}

#[test]
fn gloss_shift_with_two_candidates_stays_flagged() {
    // 路 is C2 B7, 維 BE 53: B7 BE spells 肪 (fáng), but B7 followed by the leads of 房, 防 and
    // 妨 spells characters read fáng as well: which one was glossed cannot be told.
    let clean = "全面加強道路維護\u{FF0C}確保交通順暢\u{3002}";
    let glosses = Glosses::from_pairs([('肪', "fáng")]);
    let (observed, r) = damage_and_repair(clean, &glosses, None);
    assert!(observed.contains("路?fáng)S"), "{observed}");
    assert_eq!(r, None);
}

#[test]
fn cut_before_a_full_stop_is_repaired_and_the_stop_inferred() {
    // 。 is A1 A3, 基 BB F9, 礎 B5 41: cut after A1, the rest reads A3BB (；, made `;`), F9B5
    // (private use), then `A` stands alone and the stream is right again.
    let clean = "完成管網改造\u{3002}基礎教育更加均衡\u{3002}";
    let glosses = Glosses::from_pairs([('礎', "chǔ"), ('網', "wǎng")]);
    let cut = cut_after_lead(clean, &glosses, 6);
    let (observed, r) = damage_and_repair(clean, &glosses, Some(cut));
    assert!(observed.contains("改造?;\u{E2A6}A(chǔ)教育"), "{observed}");
    let r = r.expect("repaired");
    assert_eq!(r.method, "cut");
    assert_eq!(r.inferred, "\u{3002}");
    assert_eq!(repaired_line(&observed, &r), clean);
}

#[test]
fn cut_inside_a_han_character_stays_flagged() {
    // Cut after 經's lead byte: the lost character is [x 9B], and no punctuation mark has that
    // form.
    let clean = "加快經濟發展\u{3002}";
    let glosses = Glosses::default();
    let cut = cut_after_lead(clean, &glosses, 2);
    let (observed, r) = damage_and_repair(clean, &glosses, Some(cut));
    assert!(observed.starts_with("加快?"), "{observed}");
    assert_eq!(r, None);
}

#[test]
fn cut_with_two_punctuation_candidates_stays_flagged() {
    // Cut after 『's lead byte A1: [x BA] is 『 (A1BA) or ： (A3BA).
    let clean = "會議提出\u{300E}發展\u{300F}要求\u{3002}";
    let glosses = Glosses::default();
    let cut = cut_after_lead(clean, &glosses, 4);
    let (observed, r) = damage_and_repair(clean, &glosses, Some(cut));
    assert!(observed.starts_with("會議提出?"), "{observed}");
    let lost: Vec<char> = (0x81..=0xFE)
        .filter_map(|x| site_gbk::pair(x, 0xBA))
        .filter(|c| PUNCTUATION.contains(c))
        .collect();
    assert_eq!(lost, ['\u{300E}', '\u{FF1A}']);
    assert_eq!(r, None);
}

#[test]
fn a_span_the_forward_model_does_not_give_back_stays_flagged() {
    // The repaired fixture above, with the gloss of 障 (on the glossed list) taken out of the
    // span: the bytes still decode, but the site would have glossed 障, so this span is not its
    // damage of that text.
    let clean = "保障居民用氣安全\u{FF0C}設施完好\u{3002}";
    let glosses = Glosses::from_pairs([('脷', "lì"), ('障', "zhàng")]);
    let observed = forward(clean, &glosses, None).unwrap();
    assert!(observed.starts_with("保障(zhàng)居民用?lì)"), "{observed}");
    let line = chars(&observed);
    let spans = suspicious::spans(&line);
    let (start, end, flagged) = &spans[0];
    assert!(repair(&line, (*start, *end), flagged, &glosses).is_some());
    let tampered = chars(&observed.replacen("(zhàng)", "", 1));
    let spans = suspicious::spans(&tampered);
    let (start, end, flagged) = &spans[0];
    assert_eq!(repair(&tampered, (*start, *end), flagged, &glosses), None);
}

#[test]
fn forward_model_inserts_glosses_across_character_boundaries() {
    let glosses = Glosses::from_pairs([('細', "xì")]);
    // 燃氣 is C8BC 9AE2: BC 9A spell 細.
    assert_eq!(forward("燃氣", &glosses, None).unwrap(), "燃?xì)?");
    assert_eq!(forward("細心", &glosses, None).unwrap(), "細(xì)心");
    assert_eq!(
        forward("甲\u{FF0C}乙", &Glosses::default(), None).unwrap(),
        "甲,乙"
    );
}

fn wuyang_raw() -> String {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("input/wuyang-2024/report.txt");
    std::fs::read_to_string(path).unwrap()
}

#[test]
fn default_readings_agree_with_every_gloss_of_the_wuyang_report() {
    let raw = wuyang_raw();
    let glosses = Glosses::of_lines(raw.lines());
    assert_eq!(glosses.iter().count(), 81);
    for (c, reading) in glosses.iter() {
        assert_eq!(default_reading(c), Some(reading), "{c}");
    }
    // The two characters only the damage shows.
    assert_eq!(default_reading('細'), Some("xì"));
    assert_eq!(default_reading('謹'), Some("jǐn"));
}

#[test]
fn forward_model_gives_back_every_undamaged_line_of_the_wuyang_report() {
    let raw = wuyang_raw();
    let glosses = Glosses::of_lines(raw.lines());
    let mut checked = 0;
    for (i, line) in raw.lines().enumerate() {
        if [19, 51, 53].contains(&(i + 1)) {
            continue;
        }
        let clean = super::super::strip_glosses(line);
        assert_eq!(
            forward(&clean, &glosses, None).as_deref(),
            Some(line),
            "line {}",
            i + 1
        );
        checked += 1;
    }
    assert!(checked > 60, "{checked}");
}

#[test]
fn the_three_wuyang_spans_are_repaired() {
    let raw = wuyang_raw();
    let glosses = Glosses::of_lines(raw.lines());
    let lines: Vec<&str> = raw.lines().collect();
    let mut cleaning = Cleaning::default();
    let mut repaired = Vec::new();
    for n in [19, 51, 53] {
        let (chars, cols) = repair_line(n, lines[n - 1], &glosses, &mut cleaning);
        assert!(suspicious::spans(&chars).is_empty(), "line {n}");
        assert_eq!(chars.len(), cols.len());
        repaired.push(strip_glosses(&chars));
    }
    let r = &cleaning.repaired;
    let got: Vec<(usize, usize, &str, &str)> = r
        .iter()
        .map(|r| (r.line, r.column, r.method.as_str(), r.inferred.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            (19, 334, "gloss-shift", ""),
            (51, 411, "gloss-shift", ""),
            (53, 591, "cut", "\u{3002}")
        ]
    );
    assert!(r[0].after.contains("燃氣安全排查整治\u{FF0C}擰緊"));
    assert!(r[0]
        .before
        .contains("燃?xì)獍踩\u{E082}挪檎\u{E383}危瑪Q緊"));
    assert!(r[1].after.contains("堅持擴增量穩存量"));
    assert!(r[2].after.contains("設計建設\u{3002}基礎設施建設工程"));
    assert!(repaired[0].contains("加強燃氣安全排查整治\u{FF0C}擰緊群眾生活"));
}

#[test]
fn a_simplified_copy_of_the_wuyang_lines_stays_flagged() {
    use crate::model::Script;
    use crate::script_convert::convert;
    let raw = wuyang_raw();
    let glosses = Glosses::of_lines(raw.lines());
    let lines: Vec<&str> = raw.lines().collect();
    let mut cleaning = Cleaning::default();
    for n in [19, 51, 53] {
        let simplified = convert(lines[n - 1], Script::Hans);
        assert_ne!(simplified, lines[n - 1]);
        let (chars, _) = repair_line(n, &simplified, &glosses, &mut cleaning);
        assert_eq!(suspicious::spans(&chars).len(), 1, "line {n}");
    }
    assert!(cleaning.repaired.is_empty(), "{:?}", cleaning.repaired);
}
