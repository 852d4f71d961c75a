//! The counter slip (`read --slip FILE.pdf`, the window's 印刷 button): one A4 page a clerk
//! prints and hands over, in Japanese or English. It carries the date for the card face, the
//! renewal window, the マイナ保険証 grace, the card's own expiry, what to bring and the phone
//! reminder's QR code ([`crate::reminder`]); never a name, an address or a certificate serial.
//!
//! Written with `krilla`, which embeds only the glyphs used from the bundled BIZ UDPGothic, so
//! the file stays small although the font is large.

use krilla::Document;
use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::metadata::Metadata;
use krilla::num::NormalizedF32;
use krilla::page::PageSettings;
use krilla::paint::Fill;
use krilla::surface::Surface;
use krilla::text::{Font, TextDirection};
use skrifa::instance::{LocationRef, Size};
use skrifa::{FontRef, MetadataProvider};

use crate::messages::{self, Lang, slip as words};
use crate::report::{CardReport, CertSlot};

/// The regular weight of the bundled font.
static REGULAR: &[u8] = include_bytes!("../assets/fonts/BIZUDPGothic-Regular.ttf");
/// The bold weight.
static BOLD: &[u8] = include_bytes!("../assets/fonts/BIZUDPGothic-Bold.ttf");

/// A4 in points.
const PAGE: (f32, f32) = (595.0, 842.0);
/// The margin all round.
const MARGIN: f32 = 56.0;

/// Why no slip could be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SlipError {
    /// The user-authentication certificate was not read: there is nothing to hand over.
    #[error("no user-authentication certificate was read")]
    NoCertificate,
    /// The bundled font could not be used.
    #[error("the bundled font could not be loaded")]
    Font,
    /// The PDF could not be written.
    #[error("the PDF could not be written: {0}")]
    Pdf(String),
}

/// One weight of the font: for drawing (krilla) and for measuring (skrifa).
struct Face {
    font: Font,
    bytes: &'static [u8],
}

impl Face {
    fn load(bytes: &'static [u8]) -> Result<Face, SlipError> {
        let font = Font::new(bytes.into(), 0).ok_or(SlipError::Font)?;
        FontRef::new(bytes).map_err(|_| SlipError::Font)?;
        Ok(Face { font, bytes })
    }

    /// The advance of `text` at `size` points.
    fn width(&self, text: &str, size: f32) -> f32 {
        let Ok(font) = FontRef::new(self.bytes) else {
            return 0.0;
        };
        let charmap = font.charmap();
        let metrics = font.glyph_metrics(Size::new(size), LocationRef::default());
        text.chars()
            .filter_map(|c| charmap.map(c))
            .filter_map(|g| metrics.advance_width(g))
            .sum()
    }

    /// `text` broken into lines no wider than `width`: at spaces in Latin text, between any two
    /// Japanese characters, but never before closing punctuation.
    fn wrap(&self, text: &str, size: f32, width: f32) -> Vec<String> {
        let mut lines = Vec::new();
        let mut line = String::new();
        // Byte offset in `line` after which it may break, and whether a space sits there.
        let mut last_break: Option<(usize, bool)> = None;
        for c in text.chars() {
            let mut candidate = line.clone();
            candidate.push(c);
            if !line.is_empty() && self.width(&candidate, size) > width {
                match last_break {
                    Some((at, space)) if at > 0 => {
                        let rest = line.split_off(at);
                        let rest = if space {
                            rest.trim_start().to_owned()
                        } else {
                            rest
                        };
                        lines.push(line.trim_end().to_owned());
                        line = rest;
                    }
                    _ => lines.push(std::mem::take(&mut line)),
                }
                last_break = None;
            }
            if c == ' ' {
                line.push(c);
                last_break = Some((line.len(), true));
                continue;
            }
            let closing = matches!(c, '。' | '、' | '）' | '」' | '：' | ')' | ',' | '.');
            if !closing && !line.is_empty() && (is_wide(c) || line.ends_with(is_wide)) {
                last_break = Some((line.len(), false));
            }
            line.push(c);
        }
        if !line.is_empty() {
            lines.push(line);
        }
        lines
    }
}

fn is_wide(c: char) -> bool {
    ('\u{3000}'..='\u{9fff}').contains(&c) || ('\u{ff00}'..='\u{ffef}').contains(&c)
}

/// Where the next line goes, top down.
struct Pen<'a, 'b> {
    surface: &'a mut Surface<'b>,
    y: f32,
}

impl Pen<'_, '_> {
    fn text(&mut self, face: &Face, size: f32, text: &str, width: f32) {
        for line in face.wrap(text, size, width) {
            self.y += size * 1.25;
            self.surface.draw_text(
                Point::from_xy(MARGIN, self.y),
                face.font.clone(),
                size,
                &line,
                false,
                TextDirection::Auto,
            );
        }
        self.y += size * 0.35;
    }

    fn gap(&mut self, points: f32) {
        self.y += points;
    }

    fn rule(&mut self) {
        self.gap(6.0);
        if let Some(rect) = Rect::from_xywh(MARGIN, self.y, PAGE.0 - 2.0 * MARGIN, 0.8) {
            fill_rect(self.surface, rect);
        }
        self.gap(6.0);
    }
}

fn fill_rect(surface: &mut Surface<'_>, rect: Rect) {
    let mut builder = PathBuilder::new();
    builder.push_rect(rect);
    if let Some(path) = builder.finish() {
        surface.draw_path(&path);
    }
}

/// The slip for `report` as PDF bytes; `demo` marks it as the simulated card's.
pub fn pdf(report: &CardReport, lang: Lang, demo: bool) -> Result<Vec<u8>, SlipError> {
    let auth = report.auth.read().ok_or(SlipError::NoCertificate)?;
    let regular = Face::load(REGULAR)?;
    let bold = Face::load(BOLD)?;
    let code = crate::reminder::code(report, lang).map_err(|e| SlipError::Pdf(e.to_string()))?;
    let (side, cells) = crate::reminder::modules(&code);

    let mut document = Document::new();
    document.set_metadata(
        Metadata::new()
            .title(words::title(lang).to_owned())
            .language(match lang {
                Lang::Ja => "ja".to_owned(),
                Lang::En => "en".to_owned(),
            })
            .creator("myna-kigen".to_owned()),
    );
    let settings = PageSettings::from_wh(PAGE.0, PAGE.1).ok_or(SlipError::Font)?;
    let mut page = document.start_page_with(settings);
    let mut surface = page.surface();
    surface.set_fill(Some(Fill {
        paint: rgb::Color::new(0, 0, 0).into(),
        opacity: NormalizedF32::ONE,
        rule: Default::default(),
    }));
    let width = PAGE.0 - 2.0 * MARGIN;
    {
        let mut pen = Pen {
            surface: &mut surface,
            y: MARGIN - 10.0,
        };
        if demo {
            pen.text(&bold, 13.0, messages::Text::DemoBanner.text(lang), width);
        }
        pen.text(&bold, 19.0, words::title(lang), width);
        pen.rule();
        pen.text(&regular, 12.0, words::card_face_heading(lang), width);
        pen.text(&bold, 30.0, &messages::date(auth.expiry, lang), width);
        pen.text(&regular, 16.0, &crate::rules::wareki(auth.expiry), width);
        pen.gap(8.0);
        for line in words::auth_lines(auth.expiry, auth.days_left, auth.renewal_from, lang) {
            pen.text(&regular, 11.5, &line, width);
        }
        pen.gap(4.0);
        let sign = match &report.sign {
            CertSlot::Read(s) => words::sign_line(s.expiry, lang),
            CertSlot::NotRead(n) => words::sign_not_read(n.present, lang).to_owned(),
        };
        pen.text(&regular, 11.5, &sign, width);
        if let Some(g) = auth.insurance_grace_until {
            pen.text(&regular, 11.5, &words::grace_line(g, lang), width);
        }
        pen.text(
            &regular,
            11.5,
            &words::card_line(report.card.expiry, lang),
            width,
        );
        pen.rule();
        pen.text(&bold, 13.0, words::bring_heading(lang), width);
        for line in words::bring_lines(lang) {
            pen.text(&regular, 11.5, line, width);
        }
        pen.rule();
        // The QR code on the left, its caption beside it.
        let module = 3.0;
        let top = pen.y + 4.0;
        for (i, dark) in cells.iter().enumerate() {
            if *dark {
                let (y, x) = ((i / side) as f32, (i % side) as f32);
                if let Some(rect) =
                    Rect::from_xywh(MARGIN + x * module, top + y * module, module, module)
                {
                    fill_rect(pen.surface, rect);
                }
            }
        }
        let qr = side as f32 * module;
        let caption_x = MARGIN + qr + 14.0;
        let caption_width = PAGE.0 - MARGIN - caption_x;
        let mut y = top + 24.0;
        for line in regular.wrap(words::qr_caption(lang), 11.0, caption_width) {
            pen.surface.draw_text(
                Point::from_xy(caption_x, y),
                regular.font.clone(),
                11.0,
                &line,
                false,
                TextDirection::Auto,
            );
            y += 14.0;
        }
        pen.y = top + qr + 10.0;
        pen.rule();
        pen.text(&regular, 9.0, &words::footer(report.today, lang), width);
    }
    surface.finish();
    page.finish();
    document
        .finish()
        .map_err(|e| SlipError::Pdf(format!("{e:?}")))
}

#[cfg(test)]
mod tests;
