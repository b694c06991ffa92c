//! What PDF/A-1b (ISO 19005-1, level B; China's GB/T 23286.1) asks of the finished file beyond
//! what printpdf writes, added with lopdf while finishing (docs/pdf-archive.md lists every
//! requirement and where it is met):
//! - an output intent (`GTS_PDFA1`) with the sRGB ICC v2 profile of `icc/`, so the pages'
//!   device colour (DeviceGray) has a defined meaning (6.2.2);
//! - an XMP metadata packet saying the same as the Info dictionary, and claiming part 1,
//!   conformance B (6.7);
//! - on every CID font a `CIDToGIDMap` (6.3.5: required for Type 2 CIDFonts) and, the fonts
//!   being subsets, a `CIDSet` in the descriptor listing the CIDs the program holds (6.3.5).
use super::{fail, Meta};
use crate::error::Result;
use lopdf::{Dictionary, Document, Object, ObjectId, Stream};

/// The sRGB profile (ICC 2.3, zlib license; `icc/README.md`).
const SRGB: &[u8] = include_bytes!("../../icc/sRGB.icc");

/// The output condition the profile stands for.
const SRGB_NAME: &str = "sRGB IEC61966-2.1";

/// The catalog's `/OutputIntents` array: one PDF/A intent with the embedded sRGB profile.
pub fn output_intents(doc: &mut Document) -> Object {
    let mut profile = Stream::new(
        Dictionary::from_iter(vec![("N", Object::Integer(3))]),
        SRGB.to_vec(),
    );
    profile.allows_compression = true;
    let profile = doc.add_object(profile);
    let intent = Dictionary::from_iter(vec![
        ("Type", Object::Name(b"OutputIntent".to_vec())),
        ("S", Object::Name(b"GTS_PDFA1".to_vec())),
        (
            "OutputConditionIdentifier",
            Object::string_literal(SRGB_NAME),
        ),
        ("Info", Object::string_literal(SRGB_NAME)),
        (
            "RegistryName",
            Object::string_literal("http://www.color.org"),
        ),
        ("DestOutputProfile", Object::Reference(profile)),
    ]);
    Object::Array(vec![Object::Dictionary(intent)])
}

/// The XMP packet as an uncompressed metadata stream (PDF/A-1 6.7.2 forbids a filter on it),
/// with what the Info dictionary says: title, author, subject, producer, dates.
pub fn metadata(doc: &mut Document, meta: &Meta) -> ObjectId {
    let mut s = Stream::new(
        Dictionary::from_iter(vec![
            ("Type", Object::Name(b"Metadata".to_vec())),
            ("Subtype", Object::Name(b"XML".to_vec())),
        ]),
        xmp(meta).into_bytes(),
    );
    s.allows_compression = false;
    doc.add_object(s)
}

/// The producer both the Info dictionary and the XMP packet name.
pub const PRODUCER: &str = "baogao";

/// The XMP packet (XMP 2004 as PDF/A-1 reads it: one `rdf:Description` per schema).
pub fn xmp(meta: &Meta) -> String {
    let date = crate::date::w3c(meta.epoch);
    let alt = |v: &str| {
        format!(
            "<rdf:Alt><rdf:li xml:lang=\"x-default\">{}</rdf:li></rdf:Alt>",
            escape(v)
        )
    };
    let mut dc = format!(
        "<dc:format>application/pdf</dc:format><dc:title>{}</dc:title>",
        alt(&meta.title)
    );
    if let Some(a) = &meta.author {
        dc += &format!(
            "<dc:creator><rdf:Seq><rdf:li>{}</rdf:li></rdf:Seq></dc:creator>",
            escape(a)
        );
    }
    if let Some(s) = &meta.subject {
        dc += &format!("<dc:description>{}</dc:description>", alt(s));
    }
    let description = |ns: &str, uri: &str, body: &str| {
        format!("<rdf:Description rdf:about=\"\" xmlns:{ns}=\"{uri}\">{body}</rdf:Description>\n")
    };
    let mut x = String::from(
        "<?xpacket begin=\"\u{FEFF}\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n\
         <x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n\
         <rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n",
    );
    x += &description("dc", "http://purl.org/dc/elements/1.1/", &dc);
    x += &description(
        "xmp",
        "http://ns.adobe.com/xap/1.0/",
        &format!(
            "<xmp:CreateDate>{date}</xmp:CreateDate><xmp:ModifyDate>{date}</xmp:ModifyDate>\
             <xmp:MetadataDate>{date}</xmp:MetadataDate>"
        ),
    );
    x += &description(
        "pdf",
        "http://ns.adobe.com/pdf/1.3/",
        &format!("<pdf:Producer>{PRODUCER}</pdf:Producer>"),
    );
    x += &description(
        "pdfaid",
        "http://www.aiim.org/pdfa/ns/id/",
        "<pdfaid:part>1</pdfaid:part><pdfaid:conformance>B</pdfaid:conformance>",
    );
    x += "</rdf:RDF>\n</x:xmpmeta>\n<?xpacket end=\"w\"?>";
    x
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// `CIDToGIDMap /Identity` on every Type 2 CIDFont (printpdf writes glyph ids as CIDs) and a
/// `CIDSet` on each descriptor of `glyphs`: (descriptor, number of glyphs of its program).
pub fn cid_fonts(doc: &mut Document, glyphs: &[(ObjectId, u16)]) -> Result<()> {
    for (id, count) in glyphs {
        let mut set = Stream::new(Dictionary::new(), cid_set(*count));
        set.allows_compression = true;
        let set = doc.add_object(set);
        doc.get_dictionary_mut(*id)
            .map_err(fail)?
            .set("CIDSet", Object::Reference(set));
    }
    let identity = |d: &mut Dictionary| {
        if d.get(b"Subtype").and_then(Object::as_name).ok() == Some(b"CIDFontType2") {
            d.set("CIDToGIDMap", Object::Name(b"Identity".to_vec()));
        }
    };
    for o in doc.objects.values_mut() {
        let Ok(d) = o.as_dict_mut() else { continue };
        if !d.type_is(b"Font") {
            continue;
        }
        identity(d);
        if let Ok(Object::Array(kids)) = d.get_mut(b"DescendantFonts") {
            for k in kids.iter_mut() {
                if let Object::Dictionary(kd) = k {
                    identity(kd);
                }
            }
        }
    }
    Ok(())
}

/// A CIDSet: one bit per CID from 0, high bit first, set for each of the program's `count`
/// glyphs (the subsets keep no empty slots: every glyph id below the count is present).
pub fn cid_set(count: u16) -> Vec<u8> {
    let n = usize::from(count);
    let mut bits = vec![0u8; n.div_ceil(8)];
    for cid in 0..n {
        bits[cid / 8] |= 0x80 >> (cid % 8);
    }
    bits
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cid_set_marks_every_glyph_high_bit_first() {
        assert_eq!(cid_set(1), vec![0x80]);
        assert_eq!(cid_set(8), vec![0xFF]);
        assert_eq!(cid_set(10), vec![0xFF, 0xC0]);
    }

    #[test]
    fn xmp_says_what_the_info_dictionary_says() {
        let meta = Meta {
            title: "A & B <报告>".into(),
            subject: None,
            author: Some("县长".into()),
            lang: "zh-Hans".into(),
            epoch: 1_709_596_800,
        };
        let x = xmp(&meta);
        assert!(x.contains("x-default\">A &amp; B &lt;报告&gt;</rdf:li>"));
        assert!(x.contains("<rdf:li>县长</rdf:li>"));
        assert!(!x.contains("dc:description"));
        assert!(x.contains("<xmp:CreateDate>2024-03-05T00:00:00Z</xmp:CreateDate>"));
        assert!(x.contains("<pdfaid:part>1</pdfaid:part><pdfaid:conformance>B"));
    }

    #[test]
    fn the_profile_is_icc_version_2_rgb() {
        assert_eq!(SRGB[8], 2, "PDF/A-1 embeds ICC v2 profiles");
        assert_eq!(&SRGB[16..20], b"RGB ");
        assert_eq!(&SRGB[36..40], b"acsp");
    }
}
