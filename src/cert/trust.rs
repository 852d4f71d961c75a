//! Genuineness of a JPKI certificate (domain.md §3, "Trust"). The six J-LIS root certificates
//! are compiled in (`assets/jpki-ca/`, checked against their SHA-256 fingerprints) and their keys
//! are in the store from the start, keyed by subject key identifier: a certificate whose
//! authority key identifier names one is verified against that key with no CA read from the
//! card, and one that does not verify is a forgery ([`Genuineness::Failed`]). Only a certificate
//! naming an unknown key needs the card's own CA certificate (EF `000B`/`0002`), which may then
//! be an unknown root (a newer generation). CA keys met that way are kept for the process too.
//! The simulated card's two roots are anchors of the product's store as well, reported as
//! verified-simulated (never as genuine).
//!
//! No date is compared with today: a certificate issued under a root that has since expired still
//! verifies. Nor is the end-entity's validity compared with the CA's: the signature and the
//! fingerprint carry the trust, dates are the rules layer's business.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use rsa::RsaPublicKey;
use rsa::pkcs1v15::{Signature, VerifyingKey};
use rsa::pkcs8::DecodePublicKey;
use rsa::signature::Verifier;
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::{CertError, CertRole, Certificate, parse};

/// sha256WithRSAEncryption, the only signature algorithm of JPKI certificates.
const SHA256_WITH_RSA: &str = "1.2.840.113549.1.1.11";

/// The result of the genuineness check of one certificate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Genuineness {
    /// Signed by a CA certificate that is one of the compiled-in J-LIS roots.
    Verified,
    /// Signed by the simulated card's own root (the demo and tests): the check worked, and the
    /// card is not a real one.
    VerifiedSimulated,
    /// The signature checks against the card's CA certificate, but that CA is not in the table.
    UnknownRoot,
    /// The signature does not check.
    Failed,
    /// Not checked (the CA certificate could not be read).
    NotChecked,
}

/// One trusted root: which hierarchy, which generation, and the SHA-256 of its DER.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RootInfo {
    /// A name for people and logs, e.g. `J-LIS user authentication CA, generation 3`.
    pub name: String,
    /// The hierarchy.
    pub role: CertRole,
    /// The generation (1, 2, 3, ...); 0 for roots added for tests or simulation.
    pub generation: u8,
    /// SHA-256 of the certificate's DER.
    pub sha256: [u8; 32],
    /// The simulated card's root, not a J-LIS one.
    pub simulated: bool,
}

/// The six J-LIS roots (domain.md §3): (role, generation, SHA-256 hex of the DER).
pub const JLIS_ROOTS: [(CertRole, u8, &str); 6] = [
    (
        CertRole::UserAuthentication,
        1,
        "4DCFC4CA0AAF9FB2A3081B3F0C991C320B3ACC008667A341EEAEC5AF1D58CA7D",
    ),
    (
        CertRole::UserAuthentication,
        2,
        "0D98DE47FC11B7F67126874B7028B6026A803D2638D6EDFE53176953961FADE6",
    ),
    (
        CertRole::UserAuthentication,
        3,
        "64114F29620C24ED2631D46476A040E7EE740D956089C00B036A6A8118C322B5",
    ),
    (
        CertRole::Signing,
        1,
        "19645405A1FE14377434BD55957628AC4038557C542403A2243F21C706FC9355",
    ),
    (
        CertRole::Signing,
        2,
        "79679C33E4CC9319440F1AD120A597FF1844E2EF217063ADB176966FD5E6FBEB",
    ),
    (
        CertRole::Signing,
        3,
        "D227F6CDE11D35C5252178F106F843D24651944975413B539FA2FB68DBFA365F",
    ),
];

/// The six J-LIS root certificates (public trust anchors), in the order of [`JLIS_ROOTS`].
pub const JLIS_ROOT_DER: [&[u8]; 6] = [
    include_bytes!("../../assets/jpki-ca/authca-gen1.der"),
    include_bytes!("../../assets/jpki-ca/authca-gen2.der"),
    include_bytes!("../../assets/jpki-ca/authca-gen3.der"),
    include_bytes!("../../assets/jpki-ca/signca-gen1.der"),
    include_bytes!("../../assets/jpki-ca/signca-gen2.der"),
    include_bytes!("../../assets/jpki-ca/signca-gen3.der"),
];

/// The simulated card's two roots (`assets/sim/`, made by `sim::certs::ca_cert_der`, a test keeps
/// them equal). Their private keys are public, in this repository: a certificate they verify is
/// the simulated card or a copy of it, never a real card, and is reported as such
/// ([`Genuineness::VerifiedSimulated`]), never as genuine.
pub const SIMULATED_ROOT_DER: [(CertRole, &str, &[u8]); 2] = [
    (
        CertRole::UserAuthentication,
        "simulated user-authentication root",
        include_bytes!("../../assets/sim/ca-auth.der"),
    ),
    (
        CertRole::Signing,
        "simulated signing root",
        include_bytes!("../../assets/sim/ca-sign.der"),
    ),
];

/// SHA-256 of some DER bytes.
pub fn sha256_fingerprint(der: &[u8]) -> [u8; 32] {
    Sha256::digest(der).into()
}

fn parse_hex32(hex: &str) -> Option<[u8; 32]> {
    let mut out = [0u8; 32];
    if hex.len() != 64 {
        return None;
    }
    for (i, byte) in out.iter_mut().enumerate() {
        *byte = u8::from_str_radix(hex.get(2 * i..2 * i + 2)?, 16).ok()?;
    }
    Some(out)
}

/// Whether `cert`'s signature checks with `ca`'s public key (RSA PKCS#1 v1.5 with SHA-256) and
/// `cert` names `ca` as its issuer. Any other algorithm or an unusable key gives `false`.
pub fn verify_signed_by(cert: &Certificate, ca: &Certificate) -> bool {
    rsa_key(ca).is_ok_and(|key| signature_checks(cert, &key, ca.subject_der()))
}

fn rsa_key(ca: &Certificate) -> Result<RsaPublicKey, CertError> {
    RsaPublicKey::from_public_key_der(ca.spki_der())
        .map_err(|e| CertError::Unsupported(format!("CA key: {e}")))
}

fn signature_checks(cert: &Certificate, key: &RsaPublicKey, ca_subject_der: &[u8]) -> bool {
    if cert.signature_algorithm() != SHA256_WITH_RSA || cert.issuer_der() != ca_subject_der {
        return false;
    }
    let Ok(signature) = Signature::try_from(cert.signature()) else {
        return false;
    };
    VerifyingKey::<Sha256>::new(key.clone())
        .verify(cert.tbs_der(), &signature)
        .is_ok()
}

/// Whether an anchor's DER is one of the compiled-in J-LIS roots.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Compiled {
    Yes,
    No,
}

/// An issuing CA's key, judged once: kept by [`TrustStore`] for the rest of the process.
#[derive(Debug, Clone)]
pub struct CaKey {
    key: RsaPublicKey,
    subject_der: Vec<u8>,
    key_id: Option<Vec<u8>>,
    root: Option<RootInfo>,
    genuineness: Genuineness,
    /// A compiled-in (or, for tests and the demo, given) root: a certificate naming its key
    /// that does not verify is a forgery, not a reason to read the card's CA.
    anchor: bool,
}

impl CaKey {
    /// The CA's subject key identifier, when it has one.
    pub fn key_id(&self) -> Option<&[u8]> {
        self.key_id.as_deref()
    }
    /// The root-table entry this CA certificate matched, if any.
    pub fn root(&self) -> Option<&RootInfo> {
        self.root.as_ref()
    }
    /// [`Genuineness::Verified`] when the CA is a known root and its self-signature checks,
    /// [`Genuineness::UnknownRoot`] otherwise.
    pub fn genuineness(&self) -> Genuineness {
        self.genuineness
    }
    /// The genuineness of `ee` under this CA: [`Genuineness::Failed`] when the signature does
    /// not check, else the CA's own [`CaKey::genuineness`].
    pub fn judge(&self, ee: &Certificate) -> Genuineness {
        if signature_checks(ee, &self.key, &self.subject_der) {
            self.genuineness
        } else {
            Genuineness::Failed
        }
    }
}

/// The trusted roots, and the CA keys met so far (thread-safe).
#[derive(Debug)]
pub struct TrustStore {
    roots: Vec<RootInfo>,
    cache: Mutex<HashMap<Vec<u8>, Arc<CaKey>>>,
}

impl Default for TrustStore {
    fn default() -> Self {
        Self::product()
    }
}

impl TrustStore {
    /// The six J-LIS roots of domain.md §3 alone, their keys anchored: a simulated card comes out
    /// an unknown root here (tests of that case start from this store).
    pub fn jlis() -> Self {
        let roots = JLIS_ROOTS
            .iter()
            .filter_map(|&(role, generation, hex)| {
                let kind = match role {
                    CertRole::UserAuthentication => "user authentication",
                    CertRole::Signing => "digital signature",
                };
                Some(RootInfo {
                    name: format!("J-LIS {kind} CA, generation {generation}"),
                    role,
                    generation,
                    sha256: parse_hex32(hex)?,
                    simulated: false,
                })
            })
            .collect();
        let store = TrustStore {
            roots,
            cache: Mutex::new(HashMap::new()),
        };
        for der in JLIS_ROOT_DER {
            if let Err(e) = store.anchor(der, Compiled::Yes) {
                log::error!("a compiled-in J-LIS root is unusable: {e}");
            }
        }
        store
    }

    /// Puts a root certificate's key into the store as a trust anchor: it must be one of the
    /// store's roots (by fingerprint) and sign itself.
    fn anchor(&self, der: &[u8], compiled: Compiled) -> Result<Arc<CaKey>, CertError> {
        let entry = self.judge_ca(der, Some(compiled))?;
        if entry.genuineness == Genuineness::Failed {
            return Err(CertError::Unsupported("root not in the table".to_owned()));
        }
        self.keep(&entry);
        Ok(entry)
    }

    /// This store with one more trust anchor, given by its DER (the simulated card's roots):
    /// a root of its own, and its key in the store from the start.
    pub fn with_anchor_der(
        self,
        name: &str,
        role: CertRole,
        der: &[u8],
        simulated: bool,
    ) -> Result<Self, CertError> {
        let store = self.with_root(RootInfo {
            name: name.to_owned(),
            role,
            generation: 0,
            sha256: sha256_fingerprint(der),
            simulated,
        });
        store.anchor(der, Compiled::No)?;
        Ok(store)
    }

    /// This store with the simulated card's two roots as anchors ([`SIMULATED_ROOT_DER`]).
    pub fn with_simulated_anchors(self) -> Result<Self, CertError> {
        SIMULATED_ROOT_DER
            .iter()
            .try_fold(self, |store, &(role, name, der)| {
                store.with_anchor_der(name, role, der, true)
            })
    }

    /// The product's store: the six J-LIS roots, and the simulated card's roots so that the demo
    /// and a simulated card on a reader are named for what they are (verified-simulated, not a
    /// real card) rather than an alarming unknown root, with no CA read.
    pub fn product() -> Self {
        Self::jlis().with_simulated_anchors().unwrap_or_else(|e| {
            log::error!("the simulated roots are unusable: {e}");
            Self::jlis()
        })
    }

    /// The process-wide store ([`TrustStore::product`]), so every reading shares one key cache.
    pub fn global() -> &'static TrustStore {
        static GLOBAL: OnceLock<TrustStore> = OnceLock::new();
        GLOBAL.get_or_init(TrustStore::product)
    }

    /// This store with one more trusted root (tests, the simulated card).
    pub fn with_root(mut self, root: RootInfo) -> Self {
        self.roots.push(root);
        self
    }

    /// This store with one more trusted CA certificate, given by its DER.
    pub fn with_root_der(self, name: &str, role: CertRole, der: &[u8]) -> Self {
        self.with_root(RootInfo {
            name: name.to_owned(),
            role,
            generation: 0,
            sha256: sha256_fingerprint(der),
            simulated: false,
        })
    }

    /// The trusted roots.
    pub fn roots(&self) -> &[RootInfo] {
        &self.roots
    }

    /// The root whose fingerprint is the SHA-256 of `der`, if any.
    pub fn root_of(&self, der: &[u8]) -> Option<&RootInfo> {
        let fingerprint = sha256_fingerprint(der);
        self.roots.iter().find(|r| r.sha256 == fingerprint)
    }

    /// Judges a CA certificate and keeps its key under its subject key identifier. A CA that
    /// came out [`Genuineness::Verified`] is never replaced by one that did not, so a forged CA
    /// reusing a genuine key identifier cannot spoil the cache for genuine cards.
    pub fn remember(&self, ca_der: &[u8]) -> Result<Arc<CaKey>, CertError> {
        let entry = self.judge_ca(ca_der, None)?;
        self.keep(&entry);
        Ok(entry)
    }

    /// A CA certificate's key and what it is worth: a root of this store whose self-signature
    /// checks (verified, or verified-simulated for the simulated card's), or an unknown root.
    /// An anchor that is not a root of the store comes out [`Genuineness::Failed`].
    fn judge_ca(&self, ca_der: &[u8], anchor: Option<Compiled>) -> Result<Arc<CaKey>, CertError> {
        let compiled = anchor == Some(Compiled::Yes);
        let anchor = anchor.is_some();
        let ca = parse(ca_der)?;
        let key = rsa_key(&ca)?;
        let root = self.root_of(ca_der).cloned();
        // A compiled-in J-LIS root is trusted for being these exact bytes (its fingerprint is
        // checked): its self-signature adds nothing and would cost an RSA verification at every
        // start. Any other anchor must sign itself.
        let self_signed =
            (compiled && root.is_some()) || signature_checks(&ca, &key, ca.subject_der());
        let genuineness = match &root {
            Some(r) if self_signed && r.simulated => Genuineness::VerifiedSimulated,
            Some(_) if self_signed => Genuineness::Verified,
            _ if anchor => Genuineness::Failed,
            _ => Genuineness::UnknownRoot,
        };
        Ok(Arc::new(CaKey {
            key,
            subject_der: ca.subject_der().to_vec(),
            key_id: ca.subject_key_id().map(<[u8]>::to_vec),
            root,
            genuineness,
            anchor,
        }))
    }

    /// Keeps a judged CA key under its key identifier. An anchor or a verified key is never
    /// replaced by one that is neither, so a forged CA reusing a genuine key identifier cannot
    /// spoil the cache for genuine cards.
    fn keep(&self, entry: &Arc<CaKey>) {
        let Some(id) = entry.key_id.clone() else {
            return;
        };
        let Ok(mut cache) = self.cache.lock() else {
            return;
        };
        let trusted = |k: &CaKey| {
            k.anchor
                || matches!(
                    k.genuineness,
                    Genuineness::Verified | Genuineness::VerifiedSimulated
                )
        };
        let keep_old = cache.get(&id).is_some_and(|old| trusted(old));
        if !keep_old || trusted(entry) {
            cache.insert(id, Arc::clone(entry));
        }
    }

    /// The cached CA key for `ee`'s authority key identifier, if one was remembered.
    pub fn cached_ca_for(&self, ee: &Certificate) -> Option<Arc<CaKey>> {
        let id = ee.authority_key_id()?;
        self.cache.lock().ok()?.get(id).cloned()
    }

    /// `ee`'s genuineness from the cache alone: `None` when no CA key is cached for it, or when
    /// the cached key does not verify it (then read the card's CA certificate and call
    /// [`TrustStore::check`], which may tell a different story).
    pub fn check_cached(&self, ee: &Certificate) -> Option<Genuineness> {
        let ca = self.cached_ca_for(ee)?;
        match ca.judge(ee) {
            // It names a trust anchor's key and does not verify with it: a forgery. The card's
            // own CA certificate could only be a look-alike; it is not read.
            Genuineness::Failed if ca.anchor => Some(Genuineness::Failed),
            Genuineness::Failed => None,
            judged => Some(judged),
        }
    }

    /// `ee`'s genuineness under the card's CA certificate `ca_der`, remembering the CA key:
    /// [`Genuineness::Failed`] when the signature does not check, [`Genuineness::Verified`] when
    /// it does and the CA is a known root whose self-signature checks,
    /// [`Genuineness::UnknownRoot`] when it does but the CA is not in the table, and
    /// [`Genuineness::NotChecked`] when the CA certificate cannot be used.
    pub fn check(&self, ee: &Certificate, ca_der: &[u8]) -> Genuineness {
        match self.remember(ca_der) {
            Ok(ca) => ca.judge(ee),
            Err(_) => Genuineness::NotChecked,
        }
    }
}
