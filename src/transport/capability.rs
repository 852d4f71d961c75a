//! Whether to try extended-length APDUs on a card, decided before anything is sent: what the
//! reader says (its PC/SC part 10 properties, when the driver offers them), what the card's ATR
//! declares, and a small cache of readers that refused them before, kept across runs
//! (reader names only: nothing from any card). A reading that has to fall back still does, and
//! then the reader is remembered, so no later run spends a failed command on it.

use std::path::PathBuf;

/// Readers remembered at most (the oldest are forgotten first).
const REMEMBERED: usize = 32;

/// The cache file's name, in the platform's cache folder (or `MYNA_KIGEN_CACHE_DIR`).
const FILE: &str = "short-apdu-readers.txt";

/// What the card-capabilities object in the ATR's historical bytes says (ISO/IEC 7816-4
/// §8.1.1.2.7: compact-TLV tag 7, length 3, third byte bit 7 = "extended Lc and Le fields"):
/// `Some(true)` when it declares extended length, `Some(false)` when it does not, `None` when the
/// ATR carries no such object (a contactless ATR built from ATQB, or anything unexpected).
pub fn extended_from_atr(atr: &[u8]) -> Option<bool> {
    let t0 = *atr.get(1)?;
    let historical = usize::from(t0 & 0x0F);
    // Interface bytes: each indicator's high nibble says which of TAi TBi TCi TDi follow.
    let mut at = 2;
    let mut y = t0 >> 4;
    loop {
        at += usize::from((y & 0x07).count_ones() as u8);
        if y & 0x08 == 0 {
            break;
        }
        let td = *atr.get(at)?;
        at += 1;
        y = td >> 4;
    }
    let bytes = atr.get(at..at.checked_add(historical)?)?;
    let (category, rest) = bytes.split_first()?;
    let objects = match category {
        0x80 => rest,
        // Category 00: the last three bytes are the status indicator.
        0x00 => rest.get(..rest.len().checked_sub(3)?)?,
        _ => return None,
    };
    let mut i = 0;
    while let Some(&head) = objects.get(i) {
        let (tag, len) = (head >> 4, usize::from(head & 0x0F));
        let value = objects.get(i + 1..i + 1 + len)?;
        if tag == 7 && len == 3 {
            return value.get(2).map(|b| b & 0x40 != 0);
        }
        i += 1 + len;
    }
    None
}

/// PC/SC part 10: the feature asking a reader's properties as TLVs.
pub const FEATURE_GET_TLV_PROPERTIES: u8 = 0x12;

/// PC/SC part 10 property: the largest APDU data size the reader takes (0: short APDUs only).
const PROPERTY_MAX_APDU_DATA_SIZE: u8 = 0x0A;

/// The control code of `feature` in a part 10 GET_FEATURE_REQUEST answer: tag, length 4, the
/// code big-endian. `None` when the reader does not offer it.
pub fn feature_code(features: &[u8], feature: u8) -> Option<u32> {
    let mut rest = features;
    while let [tag, len, tail @ ..] = rest {
        let value = tail.get(..usize::from(*len))?;
        if *tag == feature {
            return <[u8; 4]>::try_from(value).ok().map(u32::from_be_bytes);
        }
        rest = tail.get(usize::from(*len)..)?;
    }
    None
}

/// What a reader's part 10 properties (tag, length, value little-endian) say about extended
/// length: `Some(false)` when its largest APDU data size is 0 (short APDUs only), `Some(true)`
/// when it takes at least a certificate's worth, `None` when it does not say.
pub fn extended_from_properties(properties: &[u8]) -> Option<bool> {
    let mut rest = properties;
    while let [tag, len, tail @ ..] = rest {
        let value = tail.get(..usize::from(*len))?;
        if *tag == PROPERTY_MAX_APDU_DATA_SIZE {
            let mut le = [0u8; 4];
            for (slot, byte) in le.iter_mut().zip(value.iter().take(4)) {
                *slot = *byte;
            }
            return Some(u32::from_le_bytes(le) > 0);
        }
        rest = tail.get(usize::from(*len)..)?;
    }
    None
}

/// Whether to start with extended-length APDUs on `reader` for a card with `atr`: not when the
/// reader refused them before, nor when the card's ATR declares it has none; otherwise yes (a
/// failure falls back once, and is remembered).
pub fn extended_claim(reader: &str, atr: &[u8]) -> bool {
    !remembered_short(reader) && extended_from_atr(atr).unwrap_or(true)
}

fn cache_file() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("MYNA_KIGEN_CACHE_DIR") {
        return Some(PathBuf::from(dir).join(FILE));
    }
    let base = if cfg!(windows) {
        std::env::var_os("LOCALAPPDATA").map(PathBuf::from)
    } else if cfg!(target_os = "macos") {
        std::env::var_os("HOME").map(|h| PathBuf::from(h).join("Library/Caches"))
    } else {
        std::env::var_os("XDG_CACHE_HOME")
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
    };
    base.map(|b| b.join("myna-kigen").join(FILE))
}

fn remembered() -> Vec<String> {
    cache_file()
        .and_then(|f| std::fs::read_to_string(f).ok())
        .map(|text| text.lines().map(str::to_owned).collect())
        .unwrap_or_default()
}

/// Whether `reader` refused extended-length APDUs in an earlier run.
pub fn remembered_short(reader: &str) -> bool {
    remembered().iter().any(|r| r == reader)
}

/// Remembers that `reader` refused extended-length APDUs. A cache that cannot be written only
/// costs the next run one failed command: logged, never an error.
pub fn remember_short(reader: &str) {
    let Some(file) = cache_file() else { return };
    let mut readers = remembered();
    if readers.iter().any(|r| r == reader) || reader.contains('\n') {
        return;
    }
    readers.push(reader.to_owned());
    let skip = readers.len().saturating_sub(REMEMBERED);
    let text: String = readers
        .iter()
        .skip(skip)
        .map(|r| format!("{r}\n"))
        .collect();
    let written = file
        .parent()
        .map_or(Ok(()), std::fs::create_dir_all)
        .and_then(|()| std::fs::write(&file, text));
    if let Err(e) = written {
        log::info!("could not remember a short-APDU reader: {e}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(s: &str) -> Vec<u8> {
        crate::sim::from_hex(s).unwrap()
    }

    #[test]
    fn the_card_capabilities_of_the_reported_atrs() {
        // Contact ATRs reported for My Number Cards (domain.md §2b).
        assert_eq!(
            extended_from_atr(&h(
                "3B DA 13 FF 81 31 FB 46 80 12 39 2F 31 C1 73 C6 01 C0 3B"
            )),
            Some(true)
        );
        assert_eq!(
            extended_from_atr(&h("3B C5 FF 81 31 FB 45 80 73 C6 01 00 00")),
            Some(false)
        );
        // No historical bytes, and a contactless ATR made from ATQB: nothing declared.
        assert_eq!(extended_from_atr(&h("3B E0 00 FF 81 31 FE 45 14")), None);
        assert_eq!(
            extended_from_atr(&h("3B 88 80 01 00 00 05 E0 B3 81 A1 00 7F")),
            None
        );
        // Cut short or empty: nothing, and no panic.
        for atr in ["", "3B", "3B DA 13", "3B C5 FF 81 31 FB 45 80 73 C6"] {
            assert_eq!(extended_from_atr(&h(atr)), None, "{atr}");
        }
    }

    #[test]
    fn part_10_features_and_properties() {
        // GET_FEATURE_REQUEST: VERIFY_PIN_DIRECT (06) and GET_TLV_PROPERTIES (12).
        let features = h("06 04 42 33 00 06 12 04 42 33 00 12");
        assert_eq!(
            feature_code(&features, FEATURE_GET_TLV_PROPERTIES),
            Some(0x4233_0012)
        );
        assert_eq!(feature_code(&features, 0x01), None);
        assert_eq!(feature_code(&h("12 04 42 33"), 0x12), None, "cut short");
        assert_eq!(feature_code(&h("12 02 42 33"), 0x12), None, "not 4 bytes");
        // wLcdLayout (01), then dwMaxAPDUDataSize (0A) little-endian.
        assert_eq!(
            extended_from_properties(&h("01 02 00 00 0A 04 00 00 01 00")),
            Some(true)
        );
        assert_eq!(
            extended_from_properties(&h("01 02 00 00 0A 04 00 00 00 00")),
            Some(false)
        );
        assert_eq!(extended_from_properties(&h("01 02 00 00")), None);
        assert_eq!(extended_from_properties(&h("0A 04 00")), None, "cut short");
    }

    #[test]
    fn arbitrary_atrs_never_panic() {
        let mut x: u32 = 7;
        for _ in 0..20_000 {
            let len = (x % 40) as usize;
            let atr: Vec<u8> = (0..len)
                .map(|_| {
                    x = x.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                    (x >> 16) as u8
                })
                .collect();
            let _ = extended_from_atr(&atr);
            let _ = feature_code(&atr, FEATURE_GET_TLV_PROPERTIES);
            let _ = extended_from_properties(&atr);
        }
    }
}
