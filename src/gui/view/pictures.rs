//! Small pictures drawn with egui's painter for the screens with nothing to read: a card on a
//! reader, a reader whose cable is out, a stopped service, a reader that cannot work here, a card
//! that is not a My Number Card. Each carries its words for a screen reader.

use eframe::egui::{
    self, Color32, CornerRadius, FontId, Pos2, Rect, Sense, Shape, Stroke, StrokeKind, Ui, pos2,
    vec2,
};

use super::{ALERT, INK, INK_SOFT};
use crate::messages::Lang;
use crate::messages::window::Phrase;

/// Which picture.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Picture {
    /// A card placed on a reader, with the radio waves of an NFC reader.
    CardOnReader,
    /// A reader with its USB cable out.
    ReaderUnplugged,
    /// A reader with a "stopped" sign: the PC/SC service is not running.
    ServiceStopped,
    /// A reader crossed out: plugged in, but it cannot work here.
    WrongReader,
    /// A plain card with a question mark.
    NotMnc,
}

impl Picture {
    fn alt(self) -> Phrase {
        match self {
            Picture::CardOnReader => Phrase::PictureCardOnReader,
            Picture::ReaderUnplugged => Phrase::PictureReaderUnplugged,
            Picture::ServiceStopped => Phrase::PictureServiceStopped,
            Picture::WrongReader => Phrase::PictureWrongReader,
            Picture::NotMnc => Phrase::PictureNotMnc,
        }
    }
}

/// The drawing box, in points at scale 1.
const W: f32 = 260.0;
const H: f32 = 150.0;

const READER: Color32 = Color32::from_rgb(0x3c, 0x3f, 0x44);
const READER_TOP: Color32 = Color32::from_rgb(0x5a, 0x5e, 0x66);
const CARD: Color32 = Color32::from_rgb(0xd8, 0xe8, 0xf8);
const CHIP: Color32 = Color32::from_rgb(0xc9, 0xa2, 0x27);
const PLAIN_CARD: Color32 = Color32::from_rgb(0xee, 0xee, 0xee);

/// Draws `picture` centred in the available width, `s` times its normal size.
pub(super) fn picture(ui: &mut Ui, picture: Picture, lang: Lang, s: f32) {
    let size = vec2(W, H) * s;
    let (rect, response) = ui.allocate_exact_size(size, Sense::hover());
    let alt = picture.alt().text(lang);
    response.widget_info(|| egui::WidgetInfo::labeled(egui::accesskit::Role::Image, true, alt));
    let p = Pen {
        painter: ui.painter_at(rect),
        origin: rect.min,
        s,
    };
    match picture {
        Picture::CardOnReader => {
            p.reader(40.0);
            p.card(70.0, 28.0, CARD, true);
            p.waves(pos2(205.0, 40.0));
        }
        Picture::ReaderUnplugged => {
            p.reader(20.0);
            // The cable leaves the reader and ends in a plug, away from the socket.
            p.line(&[pos2(180.0, 118.0), pos2(200.0, 118.0)], 5.0, INK);
            p.rect(pos2(200.0, 110.0), vec2(18.0, 16.0), INK, 2.0);
            p.rect_stroke(pos2(236.0, 106.0), vec2(20.0, 24.0), INK_SOFT, 3.0);
            p.cross(pos2(227.0, 80.0), 9.0, ALERT);
        }
        Picture::ServiceStopped => {
            p.reader(20.0);
            // A "stopped" sign: a ring with a bar.
            let c = pos2(215.0, 55.0);
            p.painter.circle_filled(p.at(c), 30.0 * s, Color32::WHITE);
            p.painter
                .circle_stroke(p.at(c), 30.0 * s, Stroke::new(7.0 * s, ALERT));
            p.line(&[pos2(197.0, 55.0), pos2(233.0, 55.0)], 9.0, ALERT);
        }
        Picture::WrongReader => {
            p.reader(40.0);
            p.cross(pos2(130.0, 55.0), 38.0, ALERT);
        }
        Picture::NotMnc => {
            p.card(70.0, 20.0, PLAIN_CARD, false);
            p.painter.text(
                p.at(pos2(130.0, 58.0)),
                egui::Align2::CENTER_CENTER,
                "?",
                FontId::proportional(60.0 * s),
                ALERT,
            );
        }
    }
}

/// Draws in the picture's own coordinates (0..W, 0..H), scaled.
struct Pen {
    painter: egui::Painter,
    origin: Pos2,
    s: f32,
}

impl Pen {
    fn at(&self, p: Pos2) -> Pos2 {
        self.origin + p.to_vec2() * self.s
    }

    fn area(&self, min: Pos2, size: egui::Vec2) -> Rect {
        Rect::from_min_size(self.at(min), size * self.s)
    }

    fn rect(&self, min: Pos2, size: egui::Vec2, fill: Color32, radius: f32) {
        self.painter.rect_filled(
            self.area(min, size),
            CornerRadius::same((radius * self.s) as u8),
            fill,
        );
    }

    fn rect_stroke(&self, min: Pos2, size: egui::Vec2, ink: Color32, width: f32) {
        self.painter.rect_stroke(
            self.area(min, size),
            CornerRadius::same((3.0 * self.s) as u8),
            Stroke::new(width * self.s, ink),
            StrokeKind::Inside,
        );
    }

    fn line(&self, points: &[Pos2], width: f32, ink: Color32) {
        let points = points.iter().map(|p| self.at(*p)).collect();
        self.painter
            .add(Shape::line(points, Stroke::new(width * self.s, ink)));
    }

    fn cross(&self, centre: Pos2, half: f32, ink: Color32) {
        let d = vec2(half, half);
        let e = vec2(half, -half);
        self.line(&[centre - d, centre + d], half / 3.0, ink);
        self.line(&[centre - e, centre + e], half / 3.0, ink);
    }

    /// A desk reader: a dark base with a lighter top, `x` from the left.
    fn reader(&self, x: f32) {
        self.rect(pos2(x, 92.0), vec2(160.0, 46.0), READER, 10.0);
        self.rect(pos2(x + 8.0, 96.0), vec2(144.0, 16.0), READER_TOP, 6.0);
        self.painter.circle_filled(
            self.at(pos2(x + 146.0, 126.0)),
            4.0 * self.s,
            Color32::from_rgb(0x6c, 0xd0, 0x8c),
        );
    }

    /// A card seen from above, its top-left corner at (`x`, `y`): with printed lines, a chip
    /// and a photo when `chip`, plain otherwise.
    fn card(&self, x: f32, y: f32, fill: Color32, chip: bool) {
        let size = vec2(120.0, 76.0);
        self.rect(pos2(x, y), size, fill, 8.0);
        self.painter.rect_stroke(
            self.area(pos2(x, y), size),
            CornerRadius::same((8.0 * self.s) as u8),
            Stroke::new(2.0 * self.s, INK),
            StrokeKind::Inside,
        );
        if chip {
            for (i, w) in [56.0, 44.0, 50.0].iter().enumerate() {
                let ly = y + 14.0 + 12.0 * i as f32;
                self.line(&[pos2(x + 10.0, ly), pos2(x + 10.0 + w, ly)], 3.0, INK_SOFT);
            }
            self.rect(pos2(x + 12.0, y + 48.0), vec2(22.0, 17.0), CHIP, 3.0);
            self.rect(pos2(x + 84.0, y + 12.0), vec2(26.0, 32.0), INK_SOFT, 3.0);
        }
    }

    /// Three arcs: the reader's field reaching the card.
    fn waves(&self, centre: Pos2) {
        for r in [10.0_f32, 20.0, 30.0] {
            let points: Vec<Pos2> = (0..=12)
                .map(|i| {
                    let a = -0.9 + 1.8 * i as f32 / 12.0;
                    pos2(centre.x + r * a.cos(), centre.y + r * a.sin())
                })
                .collect();
            self.line(&points, 3.0, INK);
        }
    }
}
