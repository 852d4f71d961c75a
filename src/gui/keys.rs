//! The window's keys and viewport: F11 fills the screen (counter mode's two-metre view), and
//! Ctrl with plus, minus or 0 zooms in steps of 10 %, remembered in [`super::Settings`]
//! (handled here rather than by egui, so the remembered value is the one in force).

use eframe::egui;
use egui::gui_zoom::kb_shortcuts;

use super::App;

/// Smallest and largest zoom, in percent: the window stays usable between them.
const ZOOM_RANGE: (u16, u16) = (50, 300);

/// The zoom factor for a remembered percentage.
pub(super) fn zoom_factor(percent: u16) -> f32 {
    f32::from(percent.clamp(ZOOM_RANGE.0, ZOOM_RANGE.1)) / 100.0
}

impl App {
    /// Keys handled before the frame is drawn.
    pub(super) fn keys(&mut self, ctx: &egui::Context) {
        if ctx.input_mut(|i| i.consume_key(egui::Modifiers::NONE, egui::Key::F11)) {
            self.toggle_fullscreen(ctx);
        }
        let zoom = self.settings.zoom_percent;
        let new = ctx.input_mut(|i| {
            if i.consume_shortcut(&kb_shortcuts::ZOOM_RESET) {
                100
            } else if i.consume_shortcut(&kb_shortcuts::ZOOM_IN)
                || i.consume_shortcut(&kb_shortcuts::ZOOM_IN_SECONDARY)
            {
                zoom.saturating_add(10)
            } else if i.consume_shortcut(&kb_shortcuts::ZOOM_OUT) {
                zoom.saturating_sub(10)
            } else {
                zoom
            }
        });
        self.set_zoom(ctx, new);
    }

    /// Sets the zoom (percent, kept within 50–300) and remembers it.
    pub fn set_zoom(&mut self, ctx: &egui::Context, percent: u16) {
        let percent = percent.clamp(ZOOM_RANGE.0, ZOOM_RANGE.1);
        self.settings.zoom_percent = percent;
        let factor = zoom_factor(percent);
        if (ctx.zoom_factor() - factor).abs() > f32::EPSILON {
            ctx.set_zoom_factor(factor);
        }
    }

    /// Fills the screen, or gives the window back its size.
    pub fn toggle_fullscreen(&mut self, ctx: &egui::Context) {
        let now = ctx
            .input(|i| i.viewport().fullscreen)
            .unwrap_or(self.fullscreen);
        self.fullscreen = !now;
        ctx.send_viewport_cmd(egui::ViewportCommand::Fullscreen(self.fullscreen));
    }

    /// Starts the count of cards read again (counter mode).
    pub fn reset_count(&mut self) {
        self.cards_read = 0;
    }
}
