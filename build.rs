//! Embeds the git commit in the version string, and on Windows targets the icon and version
//! resource.

use std::process::Command;

fn main() {
    let commit = Command::new("git")
        .args(["rev-parse", "--short=12", "HEAD"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "unknown".to_owned());
    println!("cargo:rustc-env=MYNA_KIGEN_COMMIT={commit}");
    println!("cargo:rerun-if-changed=.git/HEAD");
    println!("cargo:rerun-if-changed=.git/refs/heads");
    windows_resource();
}

/// The Windows icon and version resource, written as a `.rc` script and compiled by the
/// target's resource compiler when one is present. Other targets need nothing.
fn windows_resource() {
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() != Ok("windows") {
        return;
    }
    let out = match std::env::var("OUT_DIR") {
        Ok(dir) => std::path::PathBuf::from(dir),
        Err(_) => return,
    };
    let manifest = std::env::var("CARGO_MANIFEST_DIR").unwrap_or_default();
    let icon = std::path::Path::new(&manifest).join("assets").join("icon.ico");
    let version = std::env::var("CARGO_PKG_VERSION").unwrap_or_default();
    let mut parts: Vec<u32> = version.split('.').filter_map(|p| p.parse().ok()).collect();
    parts.resize(4, 0);
    let numeric = parts.iter().map(u32::to_string).collect::<Vec<_>>().join(",");
    let rc = format!(
        "1 ICON \"{}\"\n1 VERSIONINFO\nFILEVERSION {numeric}\nPRODUCTVERSION {numeric}\nBEGIN\n BLOCK \"StringFileInfo\"\n BEGIN\n  BLOCK \"041104B0\"\n  BEGIN\n   VALUE \"FileDescription\", \"myna-kigen\"\n   VALUE \"ProductName\", \"myna-kigen\"\n   VALUE \"FileVersion\", \"{version}\"\n   VALUE \"ProductVersion\", \"{version}\"\n  END\n END\n BLOCK \"VarFileInfo\"\n BEGIN\n  VALUE \"Translation\", 0x411, 1200\n END\nEND\n",
        icon.display().to_string().replace('\\', "/")
    );
    let rc_path = out.join("myna-kigen.rc");
    if std::fs::write(&rc_path, rc).is_err() {
        return;
    }
    let res_path = out.join("myna-kigen.res");
    let compiled = ["llvm-rc", "rc", "x86_64-w64-mingw32-windres", "windres"]
        .iter()
        .any(|tool| {
            let args: Vec<String> = if tool.contains("windres") {
                vec![
                    "-O".into(),
                    "coff".into(),
                    rc_path.display().to_string(),
                    res_path.display().to_string(),
                ]
            } else {
                vec!["/fo".into(), res_path.display().to_string(), rc_path.display().to_string()]
            };
            Command::new(tool)
                .args(&args)
                .status()
                .map(|s| s.success())
                .unwrap_or(false)
        });
    if compiled {
        println!("cargo:rustc-link-arg-bins={}", res_path.display());
    } else {
        println!("cargo:warning=no Windows resource compiler found; building without icon");
    }
    println!("cargo:rerun-if-changed=assets/icon.ico");
}
