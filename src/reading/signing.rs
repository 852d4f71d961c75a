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

/// What must be known before anyone is asked for the password.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SigningStatus {
    /// The signing password's counter.
    pub pin: PinReport,
    /// Whether the card has a signing certificate (`None`: it did not tell).
    pub present: Option<bool>,
}

impl Reader<'_> {
    /// The signing password's counter and whether a signing certificate is present, read
    /// without spending a try and without the rest of a reading (SELECT JPKI, EF 0008, SELECT
    /// EF 001B, VERIFY without data).
    pub fn signing_status(
        &self,
        transport: &mut dyn Transport,
    ) -> Result<SigningStatus, ReadError> {
        session::with_session(transport, |s| {
            s.select_jpki()?;
            let present = s.sign_presence()?.known();
            let pin = s.pin_status(JPKI_AID, EF_SIGN_PIN)?;
            Ok(SigningStatus {
                pin: PinReport::from(&pin),
                present,
            })
        })
    }

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
        let result = session::with_session(transport, |s| {
            self.sign_session(s, reader, options, request, &mut state_opened)
        });
        if !state_opened {
            return result;
        }
        // The transaction has ended: power the card off and on so the verified password does
        // not stay usable by whatever program talks to the card next.
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

    fn sign_session(
        &self,
        session: &mut CardSession<'_>,
        reader: String,
        options: &ReadOptions,
        request: &SignRequest<'_>,
        state_opened: &mut bool,
    ) -> Result<CardReport, SignError> {
        let mut report = self.read_session(session, reader, options)?;
        if let Some(expected) = request.same_card {
            let serial = match &report.auth {
                CertSlot::Read(a) => Some(a.serial.as_str()),
                CertSlot::NotRead(_) => None,
            };
            if serial != Some(expected) {
                return Err(SignError::CardChanged);
            }
        }
        let present = match &report.sign {
            CertSlot::NotRead(n) => n.present,
            CertSlot::Read(_) => Some(true),
        };
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
                    p.tries_left = Some(p.max);
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
                report.apdus = session.apdu_count();
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
        report.apdus = session.apdu_count();
        report.refresh_advice();
        Ok(report)
    }
}
