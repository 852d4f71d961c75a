//! The commands the simulated card answers (ISO 7816-4): GET RESPONSE, SELECT, READ BINARY,
//! READ RECORD, VERIFY and GET DATA, with the manners of domain.md §2b ([`Manners`]).

use super::*;

impl SimCard {
    pub(super) fn get_response(
        &mut self,
        cmd: &Parsed<'_>,
        pending: Option<(Vec<u8>, u16)>,
    ) -> Vec<u8> {
        let Some((mut data, sw)) = pending else {
            return with_sw(Vec::new(), SW_CONDITIONS);
        };
        if cmd.p1 != 0 || cmd.p2 != 0 {
            self.pending = Some((data, sw));
            return with_sw(Vec::new(), SW_P1P2);
        }
        let ne = cmd.le.ne().unwrap_or(256);
        if data.len() <= ne {
            return with_sw(data, sw);
        }
        let rest = data.split_off(ne);
        let next = u8::try_from(rest.len()).unwrap_or(0);
        self.pending = Some((rest, sw));
        with_sw(data, 0x6100 | u16::from(next))
    }

    pub(super) fn select(&mut self, cmd: &Parsed<'_>) -> u16 {
        if !matches!(cmd.le, Le::Absent) && cmd.p2 == 0x0C {
            return SW_WRONG_LENGTH;
        }
        match (cmd.p1, cmd.p2) {
            (0x04, 0x0C | 0x00) => {
                // A whole AID, or with the manner a partial one (a non-empty prefix): the first
                // match, the card manager first.
                let partial = self.manners.partial_aid;
                let matches = |aid: &[u8]| {
                    aid == cmd.data
                        || (partial && !cmd.data.is_empty() && aid.starts_with(cmd.data))
                };
                if matches(&CARD_MANAGER_AID) {
                    self.selected = Selected::CardManager;
                    return SW_OK;
                }
                match self.apps.iter().position(|app| matches(&app.aid)) {
                    Some(i) => {
                        self.selected = Selected::App(i, None);
                        SW_OK
                    }
                    None => SW_NOT_FOUND,
                }
            }
            (0x02, 0x0C | 0x00) => {
                let Selected::App(i, _) = self.selected else {
                    return SW_NOT_FOUND;
                };
                let Ok(fid) = <[u8; 2]>::try_from(cmd.data) else {
                    return SW_WRONG_LENGTH;
                };
                let found = self
                    .apps
                    .get(i)
                    .and_then(|app| app.files.iter().position(|ef| ef.fid == fid));
                match found {
                    Some(f) => {
                        self.selected = Selected::App(i, Some(f));
                        SW_OK
                    }
                    None => SW_NOT_FOUND,
                }
            }
            _ => SW_P1P2,
        }
    }

    pub(super) fn verified_fid(&self, app: usize, fid: [u8; 2]) -> bool {
        self.apps.get(app).is_some_and(|a| {
            a.files.iter().any(|ef| {
                ef.fid == fid && matches!(ef.content, Content::Pin { verified: true, .. })
            })
        })
    }

    pub(super) fn read_binary(&mut self, cmd: &Parsed<'_>) -> (Vec<u8>, u16) {
        let Selected::App(app, current) = self.selected else {
            return (Vec::new(), SW_NO_CURRENT_EF);
        };
        if !cmd.data.is_empty() {
            return (Vec::new(), SW_WRONG_LENGTH);
        }
        let Some(ne) = cmd.le.ne() else {
            return (Vec::new(), SW_WRONG_LENGTH);
        };
        let (index, offset) = if cmd.p1 & 0x80 != 0 {
            if cmd.p1 & 0x60 != 0 {
                return (Vec::new(), SW_P1P2);
            }
            let sfi = cmd.p1 & 0x1F;
            let found = self
                .apps
                .get(app)
                .and_then(|a| a.files.iter().position(|ef| ef.sfi == Some(sfi)));
            match found {
                Some(f) => {
                    self.selected = Selected::App(app, Some(f));
                    (f, usize::from(cmd.p2))
                }
                None => return (Vec::new(), SW_NOT_FOUND),
            }
        } else {
            match current {
                Some(f) => (f, usize::from(u16::from_be_bytes([cmd.p1, cmd.p2]))),
                None => return (Vec::new(), SW_NO_CURRENT_EF),
            }
        };
        let Some(ef) = self.apps.get(app).and_then(|a| a.files.get(index)) else {
            return (Vec::new(), SW_NOT_FOUND);
        };
        let Content::Binary {
            data,
            size,
            filler,
            read_needs,
        } = &ef.content
        else {
            return (Vec::new(), SW_INCOMPATIBLE_FILE);
        };
        if let Some(pin) = read_needs
            && !self.verified_fid(app, *pin)
        {
            return (Vec::new(), SW_SECURITY);
        }
        if offset >= *size {
            return (Vec::new(), SW_OFFSET);
        }
        let end = (*size).min(offset.saturating_add(ne));
        let out: Vec<u8> = (offset..end)
            .map(|i| data.get(i).copied().unwrap_or(*filler))
            .collect();
        if out.len() < ne {
            if self.answer_6cxx && matches!(cmd.le, Le::Short(_)) {
                let right = u8::try_from(out.len()).unwrap_or(0);
                return (Vec::new(), 0x6C00 | u16::from(right));
            }
            if self.manners.short_read_ok {
                return (out, SW_OK);
            }
            return (out, SW_END_OF_FILE);
        }
        (out, SW_OK)
    }

    pub(super) fn read_record(&mut self, cmd: &Parsed<'_>) -> (Vec<u8>, u16) {
        let Selected::App(app, current) = self.selected else {
            return (Vec::new(), SW_NOT_FOUND);
        };
        if cmd.p2 & 0x07 != 0x04 || cmd.p1 == 0 {
            return (Vec::new(), SW_P1P2);
        }
        let Some(ne) = cmd.le.ne() else {
            return (Vec::new(), SW_WRONG_LENGTH);
        };
        let sfi = cmd.p2 >> 3;
        let index = if sfi == 0 {
            current
        } else {
            self.apps
                .get(app)
                .and_then(|a| a.files.iter().position(|ef| ef.sfi == Some(sfi)))
        };
        let Some(index) = index else {
            return (Vec::new(), SW_NOT_FOUND);
        };
        self.selected = Selected::App(app, Some(index));
        let Some(ef) = self.apps.get(app).and_then(|a| a.files.get(index)) else {
            return (Vec::new(), SW_NOT_FOUND);
        };
        let Content::Records(records) = &ef.content else {
            return (Vec::new(), SW_INCOMPATIBLE_FILE);
        };
        let Some(record) = records.get(usize::from(cmd.p1).saturating_sub(1)) else {
            return (Vec::new(), SW_RECORD_NOT_FOUND);
        };
        let explicit_short = matches!(cmd.le, Le::Short(n) if n < 256);
        if ne < record.len() || (self.answer_6cxx && explicit_short && ne != record.len()) {
            let right = u8::try_from(record.len()).unwrap_or(0);
            return (Vec::new(), 0x6C00 | u16::from(right));
        }
        let sw = if explicit_short && ne > record.len() {
            SW_END_OF_FILE
        } else {
            SW_OK
        };
        (record.clone(), sw)
    }

    pub(super) fn verify(&mut self, cmd: &Parsed<'_>) -> u16 {
        if cmd.p1 != 0x00 || cmd.p2 != 0x80 {
            return SW_P1P2;
        }
        if !matches!(cmd.le, Le::Absent) {
            return SW_WRONG_LENGTH;
        }
        let Selected::App(app, Some(index)) = self.selected else {
            return SW_DATA_NOT_FOUND;
        };
        let Some(ef) = self.apps.get_mut(app).and_then(|a| a.files.get_mut(index)) else {
            return SW_DATA_NOT_FOUND;
        };
        let Content::Pin {
            secret,
            max,
            left,
            verified,
        } = &mut ef.content
        else {
            return SW_DATA_NOT_FOUND;
        };
        let hide_verified = self.manners.empty_verify_hides_verified;
        if *left == 0 && (self.manners.blocked_6984 || !cmd.data.is_empty()) {
            return SW_BLOCKED;
        }
        if cmd.data.is_empty() {
            return if *verified && !hide_verified {
                SW_OK
            } else {
                0x63C0 | u16::from(*left & 0x0F)
            };
        }
        if cmd.data == secret.as_slice() {
            *left = *max;
            *verified = true;
            SW_OK
        } else {
            *left -= 1;
            *verified = false;
            0x63C0 | u16::from(*left & 0x0F)
        }
    }

    pub(super) fn get_data(&mut self, cmd: &Parsed<'_>) -> (Vec<u8>, u16) {
        if (cmd.p1, cmd.p2) != (0x00, 0xF2) {
            return (Vec::new(), SW_DATA_NOT_FOUND);
        }
        let Some(date) = self.get_data_f2 else {
            return (Vec::new(), SW_DATA_NOT_FOUND);
        };
        if matches!(self.selected, Selected::App(..)) {
            return (Vec::new(), SW_CONDITIONS);
        }
        let digits = date.format("%Y%m%d").to_string().into_bytes();
        match cmd.le.ne() {
            None => (Vec::new(), SW_WRONG_LENGTH),
            Some(n) if n < digits.len() => (Vec::new(), 0x6C08),
            Some(_) => (digits, SW_OK),
        }
    }
}
