pub mod xmp_metadata;
