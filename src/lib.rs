//! baogao (报告): a Chinese government work report plus its annotations → print PDF, EPUB 3 and
//! DOCX, each with embedded CJK font subsets.
//!
//! Pipeline (pandoc's shape): readers → one [`model::Document`] → passes → writers, every command
//! through [`pipeline`]; this file only declares the modules and re-exports.
//! ```text
//! report.txt ──decode──▶ lines ──clean──▶ structure (blocks) ──script──▶ attach notes ──▶ glyph check
//!                                                                 ▲
//! notes file (.doc/.docx/.xlsx/.xls/.ods/.csv/.txt) ──read────────┘
//! document ──▶ presentation plan (once) ──▶ font subsets ──▶ PDF ‖ EPUB ‖ DOCX (in parallel) ──▶ atomic writes
//! ```
pub mod audit;
pub mod check_report;
pub mod cjk;
pub mod date;
pub mod edition;
pub mod error;
pub mod fonts;
pub mod front_matter;
pub mod layout;
pub mod model;
pub mod pack;
pub mod passes;
pub mod pdf;
pub mod pipeline;
pub mod present;
pub mod read;
pub mod render;
pub mod script_convert;
pub mod style;
pub mod warnings;

pub use error::{Error, Result};
pub use pipeline::batch;
pub use pipeline::session::{build as build_pack, check as check_pack};
pub use pipeline::{
    build, check, prepare, prepare_read, write_editions, Batch, Done, Observer, Options, Outcome,
    Output, PassedOver, Prepared, Run, Written,
};
