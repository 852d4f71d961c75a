//! The window: eframe/egui over the same library the CLI uses.
