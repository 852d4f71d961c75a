//! Presents a card (the simulated one) on vsmartcard's virtual reader driver `vpcd` inside
//! pcscd, so any PC/SC program, ours included, can be tested against it.
//!
//! The protocol: vpcd listens (127.0.0.1:35963 for the first reader, 35964 for the second) and
//! the card side connects as a TCP client. Every message is a 2-byte big-endian length and a
//! payload. A 1-byte payload is a control: `00` power off, `01` power on, `02` reset, `04` get
//! ATR (answered with the ATR); power controls get no answer. Anything longer is a command APDU,
//! answered with a response APDU.
//!
//! vpcd writes the length and the payload in two sends. With the card side's delayed ACK each
//! APDU would wait about 40 ms for it, so the socket sets TCP_NODELAY and re-arms TCP_QUICKACK
//! before every receive.

use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use thiserror::Error;

/// Where vpcd listens for its first reader's card (the second is on port 35964).
pub const DEFAULT_ADDR: &str = "127.0.0.1:35963";

/// The card side of a virtual reader: what vpcd asks of a card.
pub trait VirtualCard {
    /// The answer to reset.
    fn atr(&self) -> Vec<u8>;
    /// The reader powers the card off: its security state is lost.
    fn power_off(&mut self);
    /// The reader powers the card on.
    fn power_on(&mut self);
    /// The reader resets the card (warm).
    fn reset(&mut self);
    /// One command APDU in, one response APDU out.
    fn process(&mut self, command: &[u8]) -> Vec<u8>;
    /// After this command the card should leave the reader (the simulated removal); the
    /// default never does.
    fn removed(&self) -> bool {
        false
    }
    /// The card has stopped answering (the simulated mute card): from now on nothing is sent
    /// back, not even the ATR, until vpcd closes the connection. The default never goes mute.
    fn mute(&self) -> bool {
        false
    }
}

/// Why serving the card stopped with an error.
#[derive(Debug, Error)]
pub enum VpcdError {
    /// Could not connect to vpcd (is pcscd running with the vpcd driver?).
    #[error("cannot connect to vpcd at {addr}: {source}")]
    Connect {
        /// The address tried.
        addr: String,
        /// The socket error.
        source: io::Error,
    },
    /// The connection failed in the middle of a message.
    #[error("vpcd connection failed: {0}")]
    Io(#[from] io::Error),
    /// A message vpcd should never send (an empty payload).
    #[error("vpcd sent an empty message")]
    EmptyMessage,
}

/// How serving ended without an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ServeEnd {
    /// vpcd closed the connection (pcscd stopped).
    VpcdClosed,
    /// The card removed itself ([`VirtualCard::removed`]).
    CardRemoved,
}

/// Connects to vpcd at `addr`, retrying for up to `wait` while it is not listening yet.
pub fn connect(addr: &str, wait: Duration) -> Result<TcpStream, VpcdError> {
    let deadline = std::time::Instant::now() + wait;
    loop {
        match TcpStream::connect(addr) {
            Ok(stream) => {
                stream.set_nodelay(true)?;
                return Ok(stream);
            }
            Err(source) => {
                if std::time::Instant::now() >= deadline {
                    return Err(VpcdError::Connect {
                        addr: addr.to_owned(),
                        source,
                    });
                }
                std::thread::sleep(Duration::from_millis(100));
            }
        }
    }
}

/// Serves `card` on an open vpcd connection until vpcd closes it or the card removes itself.
pub fn serve(stream: &mut TcpStream, card: &mut dyn VirtualCard) -> Result<ServeEnd, VpcdError> {
    serve_with(stream, card, quick_ack)
}

/// [`serve`] over any byte stream speaking vpcd's framing (tests and the fuzz targets use one in
/// memory). A mute card ([`VirtualCard::mute`]) reads and drops every message until the stream
/// ends.
pub fn serve_stream<S: Read + Write>(
    stream: &mut S,
    card: &mut dyn VirtualCard,
) -> Result<ServeEnd, VpcdError> {
    serve_with(stream, card, |_| {})
}

fn serve_with<S: Read + Write>(
    stream: &mut S,
    card: &mut dyn VirtualCard,
    before_receive: impl Fn(&S),
) -> Result<ServeEnd, VpcdError> {
    loop {
        before_receive(stream);
        let Some(message) = receive(stream)? else {
            return Ok(ServeEnd::VpcdClosed);
        };
        if card.mute() {
            // A card that stopped answering: pcscd's transmit and its presence polls wait.
            continue;
        }
        match message.as_slice() {
            [] => return Err(VpcdError::EmptyMessage),
            [0x00] => card.power_off(),
            [0x01] => card.power_on(),
            [0x02] => card.reset(),
            [0x04] => send(stream, &card.atr())?,
            [_] => {} // unknown control: vpcd expects no answer
            command => {
                let response = card.process(command);
                if card.mute() {
                    continue;
                }
                send(stream, &response)?;
                if card.removed() {
                    return Ok(ServeEnd::CardRemoved);
                }
            }
        }
    }
}

/// Reads one message; `None` when vpcd closed the connection cleanly between messages.
fn receive(stream: &mut impl Read) -> Result<Option<Vec<u8>>, VpcdError> {
    let mut len = [0u8; 2];
    match stream.read_exact(&mut len) {
        Ok(()) => {}
        Err(e) if is_closed(&e) => return Ok(None),
        Err(e) => return Err(e.into()),
    }
    let mut payload = vec![0u8; usize::from(u16::from_be_bytes(len))];
    match stream.read_exact(&mut payload) {
        Ok(()) => Ok(Some(payload)),
        Err(e) if is_closed(&e) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

fn is_closed(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::UnexpectedEof | io::ErrorKind::ConnectionReset | io::ErrorKind::BrokenPipe
    )
}

/// Writes one message in a single send.
fn send(stream: &mut impl Write, payload: &[u8]) -> Result<(), VpcdError> {
    let len = u16::try_from(payload.len())
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "message over 65535 bytes"))?;
    let mut message = Vec::with_capacity(payload.len() + 2);
    message.extend_from_slice(&len.to_be_bytes());
    message.extend_from_slice(payload);
    stream.write_all(&message)?;
    Ok(())
}

/// Re-arms TCP_QUICKACK (Linux clears it after a while), so the ACK for vpcd's length write
/// goes out at once and its payload write is not held back by Nagle's algorithm on its side.
fn quick_ack(stream: &TcpStream) {
    #[cfg(target_os = "linux")]
    {
        let _ = socket2::SockRef::from(stream).set_tcp_quickack(true);
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = stream;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::TcpListener;

    /// A card that answers every APDU with its own bytes reversed and `90 00`, and counts
    /// power events.
    #[derive(Default)]
    struct Echo {
        powered: bool,
        resets: u32,
        commands: u32,
        remove_after: Option<u32>,
    }

    impl VirtualCard for Echo {
        fn atr(&self) -> Vec<u8> {
            vec![0x3B, 0x80, 0x80, 0x01, 0x01]
        }
        fn power_off(&mut self) {
            self.powered = false;
        }
        fn power_on(&mut self) {
            self.powered = true;
        }
        fn reset(&mut self) {
            self.resets += 1;
        }
        fn process(&mut self, command: &[u8]) -> Vec<u8> {
            self.commands += 1;
            let mut r: Vec<u8> = command.iter().rev().copied().collect();
            r.extend_from_slice(&[0x90, 0x00]);
            r
        }
        fn removed(&self) -> bool {
            self.remove_after.is_some_and(|n| self.commands >= n)
        }
    }

    /// Plays vpcd's side: writes length and payload in two sends, as vpcd does.
    fn vpcd_send(s: &mut TcpStream, payload: &[u8]) {
        let len = u16::try_from(payload.len()).unwrap().to_be_bytes();
        s.write_all(&len).unwrap();
        s.write_all(payload).unwrap();
    }

    fn vpcd_recv(s: &mut TcpStream) -> Vec<u8> {
        let mut len = [0u8; 2];
        s.read_exact(&mut len).unwrap();
        let mut p = vec![0u8; usize::from(u16::from_be_bytes(len))];
        s.read_exact(&mut p).unwrap();
        p
    }

    #[test]
    fn controls_apdus_and_clean_close() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap().to_string();
        let server = std::thread::spawn(move || {
            let (mut s, _) = listener.accept().unwrap();
            vpcd_send(&mut s, &[0x01]);
            vpcd_send(&mut s, &[0x04]);
            let atr = vpcd_recv(&mut s);
            vpcd_send(&mut s, &[0x00, 0xA4, 0x04, 0x0C]);
            let resp = vpcd_recv(&mut s);
            vpcd_send(&mut s, &[0x02]);
            vpcd_send(&mut s, &[0x00]);
            (atr, resp)
        });
        let mut stream = connect(&addr, Duration::from_secs(2)).unwrap();
        let mut card = Echo::default();
        let end = serve(&mut stream, &mut card).unwrap();
        let (atr, resp) = server.join().unwrap();
        assert_eq!(end, ServeEnd::VpcdClosed);
        assert_eq!(atr, vec![0x3B, 0x80, 0x80, 0x01, 0x01]);
        assert_eq!(resp, vec![0x0C, 0x04, 0xA4, 0x00, 0x90, 0x00]);
        assert_eq!(card.resets, 1);
        assert!(!card.powered, "the last control powered the card off");
        assert_eq!(card.commands, 1);
    }

    #[test]
    fn a_card_that_removes_itself_ends_serving() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap().to_string();
        let server = std::thread::spawn(move || {
            let (mut s, _) = listener.accept().unwrap();
            vpcd_send(&mut s, &[0x01]);
            vpcd_send(&mut s, &[0x00, 0xB0, 0x00, 0x00, 0x00]);
            vpcd_recv(&mut s)
        });
        let mut stream = connect(&addr, Duration::from_secs(2)).unwrap();
        let mut card = Echo {
            remove_after: Some(1),
            ..Echo::default()
        };
        assert_eq!(
            serve(&mut stream, &mut card).unwrap(),
            ServeEnd::CardRemoved
        );
        assert_eq!(server.join().unwrap().len(), 7);
    }

    #[test]
    fn nobody_listening_is_a_connect_error() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap().to_string();
        drop(listener);
        assert!(matches!(
            connect(&addr, Duration::from_millis(150)),
            Err(VpcdError::Connect { .. })
        ));
    }
}
