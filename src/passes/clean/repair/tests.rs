//! Fixtures made by running the forward model on clean text written here, and the real report.
use super::*;
use crate::model::Script;

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

/// The Simplified re-post of a damaged Traditional line: the forward model's damage of `clean`,
/// then the whole line converted (as a re-posting site converts it), and its one span repaired
/// with the glosses the re-post shows.
fn simplified_repost(clean: &str, glosses: &Glosses) -> (String, String, Cleaning) {
    use crate::script_convert::convert;
    let observed = forward(clean, glosses, None).expect("GBK encodes the fixture");
    let repost = convert(&observed, Script::Hans);
    let mut cleaning = Cleaning::default();
    let (chars, _) = repair_line(1, &repost, glosses, &mut cleaning);
    (repost, strip_glosses(&chars), cleaning)
}

#[test]
fn a_simplified_repost_gives_the_right_text_or_a_flag() {
    use crate::script_convert::convert;
    // 用氣 is D3C3 9AE2: C3 9A spell 脷, glossed, so each line is read one byte late after the
    // gloss until an ASCII trail byte realigns it.
    let glosses = Glosses::from_pairs([('脷', "lì")]);
    let tail = "\u{FF0C}設施完好\u{FF0C}確保居民滿意\u{3002}";
    let mut right = 0;
    let mut flagged = 0;
    for head in [
        "保障居民用氣安全",
        "居民用氣價格穩定",
        "加強居民用氣數據",
        "加強居民用氣戶數",
        "加強居民用氣業務",
    ] {
        let clean = format!("{head}{tail}");
        let hans = convert(&clean, Script::Hans);
        let (repost, text, cleaning) = simplified_repost(&clean, &glosses);
        if cleaning.repaired.is_empty() {
            assert_eq!(suspicious::spans(&chars(&text)).len(), 1, "{repost}");
            flagged += 1;
        } else {
            let after = &cleaning.repaired[0].after;
            assert!(after.starts_with(&convert(head, Script::Hans)), "{after}");
            assert!(hans.starts_with(after.as_str()), "{repost}: {after}");
            right += 1;
        }
    }
    assert!(
        right >= 2 && flagged >= 1,
        "{right} right, {flagged} flagged"
    );
}

#[test]
fn a_converted_character_among_the_shifted_bytes_leaves_the_span_flagged() {
    // 數據 is CAFD 93FE, `，設` A3AC D44F: after 脷's gloss the bytes read E2CA (鈹) FD93 (祿)
    // FEA3 ACD4 (private use) until 設's trail byte `O` realigns them. As the site left it the line is repaired; in the re-post 鈹 and 祿
    // became 铍 and 禄, whose bytes are not the site's: flagged, not read as another text.
    let glosses = Glosses::from_pairs([('脷', "lì")]);
    let clean = "加強居民用氣數據\u{FF0C}設施完好\u{FF0C}確保居民滿意\u{3002}";
    let (observed, r) = damage_and_repair(clean, &glosses, None);
    assert!(
        observed.contains("用?lì)鈹祿\u{E46A}\u{E0EF}O施"),
        "{observed}"
    );
    let repaired = repaired_line(&observed, &r.expect("repaired"));
    assert!(
        repaired.starts_with("加強居民用氣數據\u{FF0C}設施完好"),
        "{repaired}"
    );
    let (repost, _, cleaning) = simplified_repost(clean, &glosses);
    assert!(repost.contains("用?lì)铍禄\u{E46A}\u{E0EF}O施"), "{repost}");
    assert!(cleaning.repaired.is_empty(), "{:?}", cleaning.repaired);
}

#[test]
fn the_simplified_repost_of_the_wuyang_lines_gives_the_right_text_or_a_flag() {
    use crate::script_convert::convert;
    let raw = wuyang_raw();
    let repost: Vec<String> = raw.lines().map(|l| convert(l, Script::Hans)).collect();
    let glosses = Glosses::of_lines(repost.iter().map(String::as_str));
    let mut cleaning = Cleaning::default();
    let mut spans = Vec::new();
    for n in [19, 51, 53] {
        let (chars, _) = repair_line(n, &repost[n - 1], &glosses, &mut cleaning);
        spans.push(suspicious::spans(&chars).len());
    }
    // Line 19: `瑪` became `玛`, whose bytes spell `Ｂ闝` where `，擰` was: flagged, not repaired
    // into another text. Line 51: `持` and `U` are as the site left them: `擴`, in the re-post's
    // script. Line 53: its bytes spell `礎`, which the re-post's glosses (`础(chǔ)`) no longer
    // name: flagged.
    assert_eq!(spans, [1, 0, 1]);
    let got: Vec<(usize, &str)> = cleaning
        .repaired
        .iter()
        .map(|r| (r.line, r.after.as_str()))
        .collect();
    assert_eq!(got, [(51, "坚持扩增量稳存量提质量")]);
}
