//! Styles: `styles/*.toml` → [`Style`]. The whole schema lives here; unknown keys are an error
//! that names the key and the file.
use crate::error::{Error, Result};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// A font role of the official layout.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize, serde::Serialize,
)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    /// 宋体 (serif), regular.
    Song,
    /// 宋体, bold (titles).
    SongBold,
    /// 黑体 (sans).
    Hei,
    /// 楷体.
    Kai,
    /// 仿宋 (the GB/T 9704 body face).
    Fang,
}

impl Role {
    pub const ALL: [Role; 5] = [Role::Song, Role::SongBold, Role::Hei, Role::Kai, Role::Fang];
    pub fn name(self) -> &'static str {
        match self {
            Role::Song => "song",
            Role::SongBold => "song-bold",
            Role::Hei => "hei",
            Role::Kai => "kai",
            Role::Fang => "fang",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Style {
    pub name: String,
    pub page: Page,
    pub sizes: Sizes,
    pub fonts: Fonts,
    pub roles: Roles,
    pub notes: NoteMarks,
    pub attachment: AttachmentSection,
    /// Folder the style file was read from; relative font paths resolve against it.
    #[serde(skip)]
    pub base: PathBuf,
}

/// Page geometry in millimetres (GB/T 9704 for gongwen).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Page {
    /// Paper name for humans and metadata (`A4`, `A5`).
    pub paper: String,
    pub width_mm: f32,
    pub height_mm: f32,
    /// 天头: from the paper's top edge to the text block.
    pub top_mm: f32,
    /// 订口: binding-side margin (left on odd pages when mirrored).
    pub inner_mm: f32,
    /// 版心.
    pub text_width_mm: f32,
    pub text_height_mm: f32,
    /// Mirror inner/outer margins for duplex printing.
    pub mirrored: bool,
    pub chars_per_line: u32,
    pub lines_per_page: u32,
    /// Distance from the text block's bottom edge to the folio's top.
    pub folio_gap_mm: f32,
}

/// Sizes in whole points (genpdf takes `u8`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sizes {
    pub title: u8,
    pub body: u8,
    pub heading: u8,
    pub note: u8,
    pub folio: u8,
}

/// Font roles → files (relative to the style file's folder) and each role's fallback chain.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fonts {
    pub song: PathBuf,
    pub song_bold: PathBuf,
    pub hei: PathBuf,
    pub kai: PathBuf,
    pub fang: PathBuf,
    /// `[fonts.fallback]`: for every role (keys are role names), the roles whose faces draw a
    /// character its own face lacks, in order; an empty chain means none (U+3013).
    #[serde(deserialize_with = "chains")]
    pub fallback: BTreeMap<Role, Vec<Role>>,
}

/// `[fonts.fallback]` as a table of chains; the one list of earlier styles is refused with what
/// to write instead.
fn chains<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> std::result::Result<BTreeMap<Role, Vec<Role>>, D::Error> {
    struct Chains;
    impl<'de> serde::de::Visitor<'de> for Chains {
        type Value = BTreeMap<Role, Vec<Role>>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a table of fallback chains, one per role")
        }
        fn visit_seq<A: serde::de::SeqAccess<'de>>(
            self,
            _: A,
        ) -> std::result::Result<Self::Value, A::Error> {
            Err(serde::de::Error::custom(
                "fonts.fallback is a table with one chain per role now, not one list: write \
                 [fonts.fallback] with fang, song, song-bold, hei and kai = [roles…] (see styles/gongwen.toml)",
            ))
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(
            self,
            map: A,
        ) -> std::result::Result<Self::Value, A::Error> {
            BTreeMap::deserialize(serde::de::value::MapAccessDeserializer::new(map))
        }
    }
    d.deserialize_any(Chains)
}

impl Fonts {
    /// The fallback chain of `role` (validated to exist for every role).
    pub fn chain(&self, role: Role) -> &[Role] {
        self.fallback.get(&role).map_or(&[], Vec::as_slice)
    }
}

/// Which role each kind of block uses.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Roles {
    pub title: Role,
    pub subtitle: Role,
    pub salutation: Role,
    pub heading1: Role,
    pub heading2: Role,
    pub heading3: Role,
    pub heading4: Role,
    pub body: Role,
    pub note: Role,
    pub folio: Role,
    pub attachment_label: Role,
    pub attachment_title: Role,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum MarkForm {
    /// Superscript Arabic numbers.
    Superscript,
    /// Circled numbers ①②③.
    Circled,
}

/// How note numbers run. Only `continuous` is accepted (see [`crate::present::marks`]):
/// `per-page` is parsed so that it can be refused with a reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Numbering {
    Continuous,
    PerPage,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NoteMarks {
    pub mark: MarkForm,
    pub numbering: Numbering,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AttachmentSection {
    /// Append the annotations as their own section (GB/T 9704 §7.3.7: new page, label top-left
    /// in hei, title centred).
    pub append: bool,
}

impl Style {
    /// Parse a style from TOML text; `path` names the file in errors and anchors font paths.
    pub fn parse(text: &str, path: &Path) -> Result<Style> {
        let mut style: Style = toml::from_str(text).map_err(|e| Error::Style {
            path: path.to_path_buf(),
            message: one_line(&e.to_string()),
        })?;
        style.base = path.parent().map(Path::to_path_buf).unwrap_or_default();
        style.validate(path)?;
        Ok(style)
    }

    /// Read a style by name (`gongwen`, `compact`: looked up in `styles/`) or by file path.
    pub fn load(name_or_file: &str) -> Result<Style> {
        let path = resolve(name_or_file)?;
        let text = std::fs::read_to_string(&path).map_err(|e| Error::Style {
            path: path.clone(),
            message: e.to_string(),
        })?;
        Style::parse(&text, &path)
    }

    /// The file behind a role.
    pub fn font_path(&self, role: Role) -> PathBuf {
        let rel = match role {
            Role::Song => &self.fonts.song,
            Role::SongBold => &self.fonts.song_bold,
            Role::Hei => &self.fonts.hei,
            Role::Kai => &self.fonts.kai,
            Role::Fang => &self.fonts.fang,
        };
        self.base.join(rel)
    }

    fn validate(&self, path: &Path) -> Result<()> {
        let bad = |m: &str| {
            Err(Error::Style {
                path: path.to_path_buf(),
                message: m.to_string(),
            })
        };
        let p = &self.page;
        if p.text_width_mm <= 0.0 || p.text_width_mm + p.inner_mm > p.width_mm {
            return bad("page: text_width_mm + inner_mm must fit inside width_mm");
        }
        if p.text_height_mm <= 0.0 || p.text_height_mm + p.top_mm > p.height_mm {
            return bad("page: text_height_mm + top_mm must fit inside height_mm");
        }
        if p.chars_per_line == 0 || p.lines_per_page == 0 {
            return bad("page: chars_per_line and lines_per_page must be positive");
        }
        let s = &self.sizes;
        if [s.title, s.body, s.heading, s.note, s.folio].contains(&0) {
            return bad("sizes: every size must be at least 1 pt");
        }
        if self.notes.numbering == Numbering::PerPage {
            return bad("notes.numbering: per-page is not supported (the PDF and the DOCX paginate differently, so numbers restarting per page would differ between editions); use continuous");
        }
        for role in Role::ALL {
            let Some(chain) = self.fonts.fallback.get(&role) else {
                return bad(&format!(
                    "fonts.fallback: no chain for the {} role (write {} = [] for none)",
                    role.name(),
                    role.name()
                ));
            };
            for (i, r) in chain.iter().enumerate() {
                if *r == role || chain[..i].contains(r) {
                    return bad(&format!(
                        "fonts.fallback.{}: {} is named twice (the role itself comes first anyway)",
                        role.name(),
                        r.name()
                    ));
                }
            }
        }
        Ok(())
    }
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Where a style name or path points. Names are looked up in `styles/` under the current folder,
/// beside the executable and its ancestors, then in this crate's own folder.
pub fn resolve(name_or_file: &str) -> Result<PathBuf> {
    let as_path = Path::new(name_or_file);
    if name_or_file.ends_with(".toml") || as_path.components().count() > 1 {
        return if as_path.is_file() {
            Ok(as_path.to_path_buf())
        } else {
            Err(Error::Style {
                path: as_path.to_path_buf(),
                message: "no such style file".into(),
            })
        };
    }
    let file = format!("{name_or_file}.toml");
    let mut roots: Vec<PathBuf> = vec![PathBuf::from(".")];
    if let Ok(exe) = std::env::current_exe() {
        roots.extend(exe.ancestors().skip(1).map(Path::to_path_buf));
    }
    roots.push(PathBuf::from(env!("CARGO_MANIFEST_DIR")));
    for root in roots {
        let candidate = root.join("styles").join(&file);
        if candidate.is_file() {
            return Ok(candidate);
        }
    }
    Err(Error::Style {
        path: PathBuf::from("styles").join(file),
        message: format!(
            "no style named '{name_or_file}' (looked in ./styles and beside the program)"
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shipped(name: &str) -> String {
        std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("styles")
                .join(name),
        )
        .unwrap()
    }

    #[test]
    fn shipped_styles_parse() {
        let g = Style::load("gongwen").unwrap();
        assert_eq!(g.sizes.body, 16);
        assert_eq!(g.sizes.title, 22);
        assert!(g.page.mirrored);
        assert_eq!((g.page.chars_per_line, g.page.lines_per_page), (28, 22));
        assert_eq!(g.notes.mark, MarkForm::Superscript);
        assert!(g.attachment.append);
        let c = Style::load("compact").unwrap();
        assert_eq!(c.page.paper, "A5");
        assert!(c.sizes.body < g.sizes.body);
        for role in Role::ALL {
            assert!(g.font_path(role).is_file(), "{:?}", g.font_path(role));
        }
    }

    #[test]
    fn unknown_key_names_key_and_file() {
        let text = shipped("gongwen.toml").replace("[sizes]", "[sizes]\nbogus = 3");
        let err = Style::parse(&text, Path::new("styles/x.toml"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("bogus"), "{err}");
        assert!(err.contains("styles/x.toml"), "{err}");
    }

    #[test]
    fn every_role_has_a_fallback_chain_ending_in_its_kind() {
        let g = Style::load("gongwen").unwrap();
        assert_eq!(g.roles.body, Role::Fang);
        assert_eq!(g.roles.note, Role::Fang);
        assert_eq!(
            g.fonts.chain(Role::Fang)[0],
            Role::Song,
            "仿宋 falls back to the serif"
        );
        for role in Role::ALL {
            assert!(
                !g.fonts.chain(role).contains(&Role::Hei),
                "{role:?}: never the 黑体"
            );
        }
        let text = shipped("gongwen.toml").replace("fang = [\"song\", \"kai\"]", "");
        let err = Style::parse(&text, Path::new("g.toml"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("no chain for the fang role"), "{err}");
        let text =
            shipped("gongwen.toml").replace("fang = [\"song\", \"kai\"]", "fang = [\"fang\"]");
        let err = Style::parse(&text, Path::new("g.toml"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("fonts.fallback.fang"), "{err}");
        let text = shipped("gongwen.toml").replace(
            "fang = [\"song\", \"kai\"]",
            "fang = [\"song\", \"kai\"]\nbogus = []",
        );
        let err = Style::parse(&text, Path::new("g.toml"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("bogus"), "{err}");
    }

    #[test]
    fn zero_size_is_refused() {
        let text = shipped("gongwen.toml").replace("body = 16", "body = 0");
        assert!(Style::parse(&text, Path::new("g.toml")).is_err());
    }

    #[test]
    fn per_page_numbering_is_refused_with_its_reason() {
        let text = shipped("gongwen.toml")
            .replace("numbering = \"continuous\"", "numbering = \"per-page\"");
        let err = Style::parse(&text, Path::new("g.toml"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("per-page is not supported"), "{err}");
    }
}
