//! What the fuzz targets share: a card whose every answer comes from the fuzzer's bytes.

use myna_kigen::transport::{Transaction, TransportError};

/// A card that answers each command with the next piece of the input: a length byte `n`
/// (0..=0xFA) and then up to `n` bytes, or `0xFB` and a two-byte big-endian length for longer
/// answers; `0xFC`–`0xFF` stand for a transport failure (removal, reset, no answer, another
/// error). When the input is used up the card has left the reader.
pub struct FuzzCard<'a> {
    input: &'a [u8],
    present: bool,
    /// Every command sent.
    pub sent: Vec<Vec<u8>>,
    /// A failure that ends a reading was returned.
    pub fatal_returned: bool,
    /// A command came after such a failure (the layers above must stop at once).
    pub sent_after_fatal: bool,
}

impl<'a> FuzzCard<'a> {
    /// A card answering from `input`; `present` is what a presence check says while the input
    /// lasts.
    pub fn new(input: &'a [u8], present: bool) -> Self {
        FuzzCard {
            input,
            present,
            sent: Vec::new(),
            fatal_returned: false,
            sent_after_fatal: false,
        }
    }

    fn next(&mut self) -> Result<Vec<u8>, TransportError> {
        let Some((&n, rest)) = self.input.split_first() else {
            return Err(TransportError::CardRemoved);
        };
        self.input = rest;
        let error = match n {
            0xFC => TransportError::CardRemoved,
            0xFD => TransportError::CardReset,
            0xFE => TransportError::NotAnswering,
            0xFF => TransportError::Other("fuzz".to_owned()),
            n => {
                let n = if n == 0xFB {
                    let Some((len, rest)) = self.input.split_first_chunk::<2>() else {
                        return Err(TransportError::CardRemoved);
                    };
                    self.input = rest;
                    usize::from(u16::from_be_bytes(*len))
                } else {
                    usize::from(n)
                };
                let take = n.min(self.input.len());
                let (answer, rest) = self.input.split_at(take);
                self.input = rest;
                return Ok(answer.to_vec());
            }
        };
        Err(error)
    }
}

impl Transaction for FuzzCard<'_> {
    fn transmit(&mut self, command: &[u8]) -> Result<Vec<u8>, TransportError> {
        if self.fatal_returned {
            self.sent_after_fatal = true;
        }
        self.sent.push(command.to_vec());
        let answer = self.next();
        if let Err(e) = &answer
            && e.ends_reading()
        {
            self.fatal_returned = true;
        }
        answer
    }

    fn card_present(&mut self) -> Option<bool> {
        Some(self.present && !self.input.is_empty())
    }
}

/// Encodes answers in [`FuzzCard`]'s format (for seeds and regression tests).
pub fn encode_answers(answers: &[Vec<u8>]) -> Vec<u8> {
    let mut out = Vec::new();
    for a in answers {
        if a.len() <= 0xFA {
            out.push(a.len() as u8);
        } else {
            out.push(0xFB);
            out.extend_from_slice(&(a.len().min(0xFFFF) as u16).to_be_bytes());
        }
        out.extend_from_slice(a);
    }
    out
}
