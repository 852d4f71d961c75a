//! PC/SC readers through the `pcsc` crate: the only file that names it.
