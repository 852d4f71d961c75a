//! Reading a DER file (a certificate) with the fewest APDUs and the fewest bytes
//! (`docs/apdus.md`): the first READ BINARY asks for 256 bytes, which hold the DER length and
//! the certificate's validity; the rest comes in one extended READ asking for exactly the bytes
//! still missing, or in short READs whose last asks for exactly what is missing. The file's
//! filler never crosses the air.

use crate::apdu::{Command, MAX_EXTENDED_LE, StatusWord};

use super::{CardError, CardSession, EF_AUTH_CERT, SHORT_CHUNK, der_total_len, sfi_of};

/// A DER file as far as it has been read.
#[derive(Default)]
struct Partial {
    data: Vec<u8>,
    /// The DER length, once the header has arrived.
    total: Option<usize>,
    /// The card said the file ends here (`62 82`).
    ended: bool,
}

impl Partial {
    /// Bytes still missing: exact once the length is known, else one short chunk.
    fn missing(&self) -> usize {
        self.total
            .map_or(SHORT_CHUNK, |t| t.saturating_sub(self.data.len()))
    }

    fn is_complete(&self) -> bool {
        self.total.is_some_and(|t| self.data.len() >= t)
    }

    /// Appends one chunk; the first chunk that holds the header sets the length.
    fn push(&mut self, chunk: &[u8]) -> Result<(), CardError> {
        self.data.extend_from_slice(chunk);
        if self.total.is_none() {
            self.total = der_total_len(&self.data)?;
        }
        Ok(())
    }

    /// The error for a file that ended early.
    fn truncated(&self) -> CardError {
        match self.total {
            Some(expected) => CardError::Truncated {
                expected,
                got: self.data.len(),
            },
            None => CardError::BadDer,
        }
    }
}

/// The error for a READ BINARY refused with `sw`.
fn read_refused(sw: StatusWord) -> CardError {
    match sw {
        StatusWord::SecurityNotSatisfied => CardError::SecurityNotSatisfied,
        sw => CardError::Status {
            what: "READ BINARY",
            sw,
        },
    }
}

/// A READ BINARY of the current EF at `offset` (15 bits).
fn read_at(offset: usize, le: usize) -> Result<Command, CardError> {
    u16::try_from(offset)
        .ok()
        .filter(|o| *o <= 0x7FFF)
        .map(|o| Command::read_binary(o, le))
        .ok_or(CardError::TooLong(offset))
}

impl CardSession<'_> {
    /// Reads a DER file of the JPKI application (which must be selected) and returns exactly its
    /// DER. The first chunk of EF 000A goes to [`CardSession::on_auth_head`] as soon as it
    /// arrives. An extended READ that fails is not fatal: short READs go on from where the file
    /// stands, and later files of this session use short APDUs only.
    pub fn read_der_file(&mut self, fid: [u8; 2]) -> Result<Vec<u8>, CardError> {
        let sfi = sfi_of(fid);
        let first = match sfi {
            Some(sfi) => Command::read_binary_sfi(sfi, 0, SHORT_CHUNK),
            None => {
                let sw = self.send(&Command::select_ef(fid))?.sw;
                if !sw.is_ok() {
                    return Err(CardError::Status {
                        what: "SELECT EF",
                        sw,
                    });
                }
                Command::read_binary(0, SHORT_CHUNK)
            }
        };
        let mut file = Partial::default();
        self.read_chunk(&first, &mut file)?;
        if fid == EF_AUTH_CERT
            && let Some(tell) = self.on_auth_head.as_mut()
        {
            tell(&file.data, self.channel.count());
        }
        loop {
            if file.is_complete() {
                let total = file.total.unwrap_or(file.data.len());
                file.data.truncate(total);
                return Ok(file.data);
            }
            if file.ended {
                return Err(file.truncated());
            }
            let missing = file.missing();
            if missing > SHORT_CHUNK && self.extended && !self.fell_back {
                if self.read_rest_extended(&mut file)? {
                    continue;
                }
                log::info!("extended-length READ BINARY failed; short APDUs take over");
                self.fell_back = true;
                continue;
            }
            let command = read_at(file.data.len(), missing.clamp(1, SHORT_CHUNK))?;
            self.read_chunk(&command, &mut file)?;
        }
    }

    /// One short READ into `file`: `62 82` marks its end, `6B 00` after a first chunk means the
    /// file is shorter than its header says, an empty answer too.
    fn read_chunk(&mut self, command: &Command, file: &mut Partial) -> Result<(), CardError> {
        let response = self.send(command)?;
        match response.sw {
            StatusWord::Ok => {}
            StatusWord::EndOfFile => file.ended = true,
            StatusWord::Other(0x6B00) if !file.data.is_empty() => return Err(file.truncated()),
            sw => return Err(read_refused(sw)),
        }
        if response.data.is_empty() {
            return Err(file.truncated());
        }
        file.push(&response.data)
    }

    /// One extended READ asking for exactly the missing bytes. `true` when it brought them all;
    /// `false` when short APDUs should go on from where the file stands (an answer that brought
    /// fewer is not trusted: the short READs ask for those bytes again). Errors only when the
    /// reading cannot go on at all.
    fn read_rest_extended(&mut self, file: &mut Partial) -> Result<bool, CardError> {
        let missing = file.missing();
        let command = read_at(file.data.len(), missing.min(MAX_EXTENDED_LE))?;
        let response = match self.send(&command) {
            Ok(r) => r,
            Err(e) if e.ends_reading() => return Err(e),
            Err(_) => return Ok(false),
        };
        if !matches!(response.sw, StatusWord::Ok | StatusWord::EndOfFile)
            || response.data.len() < missing
        {
            return Ok(false);
        }
        file.push(&response.data)?;
        Ok(true)
    }
}
