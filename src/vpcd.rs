//! Presents the simulated card on vsmartcard's virtual reader driver inside pcscd.
