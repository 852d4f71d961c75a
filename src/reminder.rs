//! The reminder a resident takes home on the phone: one iCalendar VEVENT on the first day the
//! user-authentication certificate can be renewed, with its expiry in the text and nothing
//! personal (no name, no serial), encoded as a QR code that a phone's camera turns into a
//! calendar event. The command line writes it as a PNG (`read --qr`), the window shows it and
//! the counter slip prints it.

use chrono::NaiveDate;
use qrcode::{EcLevel, QrCode};

use crate::messages::{self, Lang};
use crate::report::CardReport;

/// Quiet zone around the code, in modules (ISO/IEC 18004 asks for 4).
pub const QUIET_ZONE: usize = 4;

/// Why no reminder could be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReminderError {
    /// The user-authentication certificate was not read: there is no date to remind of.
    #[error("no user-authentication certificate was read")]
    NoCertificate,
    /// The text does not fit in a QR code.
    #[error("the reminder does not fit in a QR code: {0}")]
    TooLong(String),
    /// The PNG could not be encoded.
    #[error("the QR image could not be written: {0}")]
    Image(String),
}

/// RFC 5545 TEXT escaping: backslash, semicolon, comma and line breaks.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' | ';' | ',' => {
                out.push('\\');
                out.push(c);
            }
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out
}

fn ymd(d: NaiveDate) -> String {
    d.format("%Y%m%d").to_string()
}

/// The VEVENT: an all-day event on the renewal window's first day (DTEND is the next day,
/// exclusive, RFC 5545 §3.6.1), its title and a description with the expiry date.
pub fn vevent(report: &CardReport, lang: Lang) -> Result<String, ReminderError> {
    let auth = report.auth.read().ok_or(ReminderError::NoCertificate)?;
    let start = auth.renewal_from;
    let end = start.succ_opt().unwrap_or(start);
    let [summary, description] = messages::calendar::phone_event(auth.expiry, lang);
    Ok(format!(
        "BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:{}\r\nDTEND;VALUE=DATE:{}\r\nSUMMARY:{}\r\nDESCRIPTION:{}\r\nEND:VEVENT\r\n",
        ymd(start),
        ymd(end),
        escape(&summary),
        escape(&description)
    ))
}

/// The QR code of the VEVENT (error correction M: a phone reads it off a screen or paper).
pub fn code(report: &CardReport, lang: Lang) -> Result<QrCode, ReminderError> {
    let text = vevent(report, lang)?;
    QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M)
        .map_err(|e| ReminderError::TooLong(e.to_string()))
}

/// The code's modules row by row with the quiet zone around them (`true`: dark), and the side.
pub fn modules(code: &QrCode) -> (usize, Vec<bool>) {
    let width = code.width();
    let side = width + 2 * QUIET_ZONE;
    let dark: Vec<bool> = code
        .to_colors()
        .iter()
        .map(|c| *c == qrcode::Color::Dark)
        .collect();
    let mut out = vec![false; side * side];
    for (i, d) in dark.iter().enumerate() {
        let (y, x) = (i / width + QUIET_ZONE, i % width + QUIET_ZONE);
        if let Some(cell) = out.get_mut(y * side + x) {
            *cell = *d;
        }
    }
    (side, out)
}

/// The QR code as a PNG, `scale` pixels a module, black on white.
pub fn png(report: &CardReport, lang: Lang, scale: usize) -> Result<Vec<u8>, ReminderError> {
    let (side, cells) = modules(&code(report, lang)?);
    let scale = scale.max(1);
    let px = side * scale;
    let mut pixels = Vec::with_capacity(px * px);
    for row in cells.chunks(side) {
        let line: Vec<u8> = row
            .iter()
            .flat_map(|&d| std::iter::repeat_n(if d { 0u8 } else { 255u8 }, scale))
            .collect();
        for _ in 0..scale {
            pixels.extend_from_slice(&line);
        }
    }
    let size = u32::try_from(px).map_err(|e| ReminderError::Image(e.to_string()))?;
    let mut out = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut out, size, size);
        encoder.set_color(png::ColorType::Grayscale);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder
            .write_header()
            .map_err(|e| ReminderError::Image(e.to_string()))?;
        writer
            .write_image_data(&pixels)
            .map_err(|e| ReminderError::Image(e.to_string()))?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests;
