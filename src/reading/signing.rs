//! The signing certificate behind its password (README, "read --sign"): the counter read
//! without spending a try, the decision, one VERIFY, the certificate, and the power cycle that
//! clears the verified state afterwards. Nothing here holds or prints the password beyond the
//! [`SigningPassword`] it is handed.

use crate::apdu::StatusWord;
use crate::card::VerifyOutcome;
use crate::card::{CardError, CardSession, EF_SIGN_CA, EF_SIGN_PIN, JPKI_AID, PinId, PinState};
use crate::report::{
    CardReport, CertReport, CertSlot, NotReadReason, PersonalReport, PinReport, Warning,
};
use crate::secret::SigningPassword;
use crate::transport::{Transport, TransportError};

use super::{Decision, ReadError, ReadOptions, Reader, SignError, decide, genuine, session};

/// What the person asked of a reading with the signing certificate.
#[derive(Debug, Clone, Copy)]
pub struct SignRequest<'a> {
    /// The password, checked for format already.
    pub password: &'a SigningPassword,
    /// The person confirmed sending it when only one try is left (`--last-try`, the window's
    /// confirmation).
    pub confirm_last_try: bool,
    /// Fill [`CertReport::personal`] (`--show-personal`, the window's reveal).
    pub show_personal: bool,
    /// The serial number (hex, as in [`CertReport::serial`]) of the user-authentication
    /// certificate of the card the person was shown. When the card on the reader has another
    /// one (the card was swapped), nothing is sent: [`SignError::CardChanged`]. `None`: no check
    /// (the CLI reads whatever card is on the reader).
    pub same_card: Option<&'a str>,
}

impl Reader<'_> {
    /// Reads the card as [`Reader::read`] does, then, in the same transaction, decides from the
    /// signing PIN's counter whether the password may be sent ([`decide`]), sends it once,
    /// reads and checks the signing certificate, and fills [`CardReport::sign`]. Afterwards the
    /// card is powered off and on (an unpowering reconnect), so the verified state does not stay
    /// open for other programs. A wrong password is reported with the tries left and never
    /// retried.
    pub fn read_signing(
        &self,
        transport: &mut dyn Transport,
        options: &ReadOptions,
        request: &SignRequest<'_>,
    ) -> Result<CardReport, SignError> {
        let reader = transport.reader_name().to_owned();
        let mut state_opened = false;
        let result = session::with_session(transport, None, |s| {
            let report = self.read_session(s, reader, options)?;
            self.sign_in(s, report, 0, options, request, &mut state_opened)
        });
        power_cycled(transport, state_opened, result)
    }

    /// The signing certificate for a card read a moment ago by [`Reader::read`] (`report`), for
    /// a front end that shows the tries left and then asks for the password: in a transaction of
    /// its own, SELECT JPKI and the signing password's EF, its counter again without spending a
    /// try (the decision rests on the counter of the transaction that sends the password, never
    /// on an older one), then as [`Reader::read_signing`]. Nothing of the first reading is read
    /// again; `apdus` counts both transactions.
    pub fn read_signing_after(
        &self,
        transport: &mut dyn Transport,
        report: CardReport,
        options: &ReadOptions,
        request: &SignRequest<'_>,
    ) -> Result<CardReport, SignError> {
        let mut state_opened = false;
        let result = session::with_session(transport, None, |s| {
            let mut report = report;
            let base = report.apdus;
            s.select_jpki().map_err(ReadError::from)?;
            let pin = s
                .pin_status(JPKI_AID, EF_SIGN_PIN)
                .map_err(ReadError::from)?;
            report.pins.insert(PinId::Sign, PinReport::from(&pin));
            self.sign_in(s, report, base, options, request, &mut state_opened)
        });
        power_cycled(transport, state_opened, result)
    }

    /// After the no-PIN reading (`report`, `base` APDUs before this session): the same-card
    /// check, the decision, one VERIFY, the signing certificate and its genuineness.
    fn sign_in(
        &self,
        session: &mut CardSession<'_>,
        mut report: CardReport,
        base: u32,
        options: &ReadOptions,
        request: &SignRequest<'_>,
        state_opened: &mut bool,
    ) -> Result<CardReport, SignError> {
        if let Some(expected) = request.same_card {
            let serial = match &report.auth {
                CertSlot::Read(a) => Some(a.serial.as_str()),
                CertSlot::NotRead(_) => None,
            };
            if serial != Some(expected) {
                return Err(SignError::CardChanged);
            }
        }
        let present = report.sign.present();
        let pin = report.pins.get(&PinId::Sign).copied();
        match decide(pin.as_ref(), present, request.confirm_last_try) {
            Decision::Refuse(r) => return Err(SignError::Refused(r)),
            Decision::AlreadyVerified => *state_opened = true,
            Decision::Verify { .. } => {
                // From here a try may be spent: whatever happens, the card is power-cycled after.
                *state_opened = true;
                match session
                    .verify_signing_password(request.password)
                    .map_err(ReadError::from)?
                {
                    VerifyOutcome::Verified => {}
                    VerifyOutcome::Wrong { tries_left } => {
                        return Err(SignError::WrongPassword { tries_left });
                    }
                    VerifyOutcome::Blocked => return Err(SignError::Blocked),
                }
                // A correct password resets the counter to its maximum (ISO/IEC 7816-4 retry
                // counters); asking the card again now would only answer "verified".
                if let Some(p) = report.pins.get_mut(&PinId::Sign) {
                    p.tries_left = p.max;
                    p.state = PinState::Ok;
                }
            }
        }

        let der = match session.read_signing_cert() {
            Ok(der) => der,
            Err(CardError::SecurityNotSatisfied) => return Err(SignError::NotReadable),
            Err(CardError::Status {
                sw: StatusWord::NotFound,
                ..
            }) => {
                report.sign = CertSlot::not_read(Some(false), NotReadReason::Absent);
                report.apdus = base + session.apdu_count();
                return Ok(report);
            }
            Err(e) => return Err(SignError::Read(e.into())),
        };
        let cert = crate::cert::parse(&der).map_err(ReadError::from)?;
        let genuine =
            genuine::judge(session, self.trust, &cert, EF_SIGN_CA).map_err(ReadError::from)?;
        for w in Warning::of_genuineness(genuine)
            .into_iter()
            .chain(Some(Warning::RevocationNotChecked))
        {
            if !report.warnings.contains(&w) {
                report.warnings.push(w);
            }
        }
        let mut sign = CertReport::new(&cert, genuine, options.today, false);
        if request.show_personal {
            sign.personal = cert
                .personal_data()
                .map(|data| PersonalReport::from_data(&data));
        }
        report.sign = CertSlot::Read(Box::new(sign));
        report.apdus = base + session.apdu_count();
        report.refresh_advice();
        Ok(report)
    }
}

/// After a session that may have left the signing password verified: the card is powered off
/// and on (an unpowering reconnect, not an APDU), so the verified state does not stay open for
/// whatever program talks to the card next.
fn power_cycled(
    transport: &mut dyn Transport,
    state_opened: bool,
    result: Result<CardReport, SignError>,
) -> Result<CardReport, SignError> {
    if !state_opened {
        return result;
    }
    match transport.reconnect(true) {
        // A card that left the reader lost power anyway.
        Ok(()) | Err(TransportError::CardRemoved) => result,
        Err(e) => {
            log::warn!("could not power-cycle the card after the signing password: {e}");
            result.map(|mut report| {
                report.warnings.push(Warning::SignStateNotCleared);
                report
            })
        }
    }
}
