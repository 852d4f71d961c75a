//! myna-kigen: reads when the electronic certificates on a My Number Card expire, through any
//! PC/SC reader, and explains the dates.
//!
//! Layers, imports pointing down only (see `docs/architecture.md`):
//! [`transport`] → [`apdu`] → [`card`] → [`cert`] → [`rules`] → [`report`] → [`reading`] →
//! [`messages`] → [`cli`] / [`gui`] (with [`monitor`] and [`clock`] beside them). The simulated
//! card ([`sim`]) is a transport.

#![forbid(unsafe_code)]
#![warn(
    missing_docs,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing
)]
#![cfg_attr(
    test,
    allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)
)]

pub mod apdu;
pub mod card;
pub mod cert;
pub mod cli;
pub mod clock;
pub mod fuzzing;
#[cfg(feature = "gui")]
pub mod gui;
pub mod ics;
pub mod messages;
pub mod monitor;
pub mod reading;
pub mod reminder;
pub mod report;
pub mod rules;
pub mod secret;
pub mod sim;
pub mod slip;
pub mod transport;
pub mod vpcd;

/// The version of this build and the git commit it was built from.
pub const VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (",
    env!("MYNA_KIGEN_COMMIT"),
    ")"
);
