//! `simulate --vpcd`'s side of the vpcd protocol on any byte stream: every answer it writes is
//! one well-formed frame, and it ends when the stream does.
#![no_main]

use std::io::{Read, Write};

use libfuzzer_sys::fuzz_target;
use myna_kigen::sim::SimCard;
use myna_kigen::vpcd::serve_stream;

struct Memory<'a> {
    input: &'a [u8],
    output: Vec<u8>,
}

impl Read for Memory<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        self.input.read(buf)
    }
}

impl Write for Memory<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.output.extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&flags, input)) = data.split_first() else {
        return;
    };
    let mut builder = SimCard::builder();
    match flags % 4 {
        1 => builder = builder.mute_at(u32::from(flags >> 2)),
        2 => builder = builder.remove_after(u32::from(flags >> 2)),
        3 => builder = builder.empty_at(u32::from(flags >> 2)),
        _ => {}
    }
    let mut card = builder.build();
    let mut stream = Memory {
        input,
        output: Vec::new(),
    };
    let _ = serve_stream(&mut stream, &mut card);
    // The answers: length-prefixed frames, nothing left over.
    let mut out = stream.output.as_slice();
    while let Some((len, rest)) = out.split_first_chunk::<2>() {
        let len = usize::from(u16::from_be_bytes(*len));
        assert!(rest.len() >= len, "a frame is cut short");
        out = &rest[len..];
    }
    assert!(out.is_empty(), "bytes after the last frame");
});
