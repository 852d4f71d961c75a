//! Readers that are plugged in but cannot work: the Sony RC-S380 on Linux is not a CCID device,
//! so the PC/SC service never lists it and the window would only say "no reader". Linux's
//! sysfs tells whether one is on the USB bus, so the window can name it.

/// Sony's USB vendor id.
const SONY: &str = "054c";
/// The RC-S380's product ids (RC-S380/S and RC-S380/P).
const RC_S380: [&str; 2] = ["06c1", "06c3"];

/// Whether `(vendor, product)` (lower-case hex, as sysfs writes them) is an RC-S380.
pub fn is_rc_s380(vendor: &str, product: &str) -> bool {
    vendor.trim() == SONY && RC_S380.contains(&product.trim())
}

/// Whether an RC-S380 is plugged in (Linux: a look at `/sys/bus/usb/devices`; elsewhere the
/// reader has its own driver, so never).
pub fn unsupported_reader_plugged() -> bool {
    if !cfg!(target_os = "linux") {
        return false;
    }
    let Ok(devices) = std::fs::read_dir("/sys/bus/usb/devices") else {
        return false;
    };
    devices.flatten().any(|d| {
        let path = d.path();
        let read = |f: &str| std::fs::read_to_string(path.join(f)).unwrap_or_default();
        is_rc_s380(&read("idVendor"), &read("idProduct"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rc_s380_by_its_ids() {
        assert!(is_rc_s380("054c\n", "06c1\n"));
        assert!(is_rc_s380("054c", "06c3"));
        // The RC-S300 works (CCID), and another vendor's 06c1 is not Sony's.
        assert!(!is_rc_s380("054c", "0dc9"));
        assert!(!is_rc_s380("072f", "06c1"));
        assert!(!is_rc_s380("", ""));
    }
}
