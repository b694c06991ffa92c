//! Module for graphics (line, polygon, 3D, etc.)

pub mod two_dimensional;
pub mod three_dimensional;

pub use self::two_dimensional::*;
pub use self::three_dimensional::*;

pub mod color;
pub mod ocg;
pub mod icc_profile;
pub mod ctm;
pub mod extgstate;
pub mod xobject;
pub mod pattern;
pub mod pdf_resources;

pub use self::ctm::*;
pub use self::ocg::*;
pub use self::color::*;
pub use self::icc_profile::*;
pub use self::extgstate::*;
pub use self::xobject::*;
pub use self::pattern::*;
pub use self::pdf_resources::*;
