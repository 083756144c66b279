//! The server's TLS identity: a certificate chain and key from PEM files, or a CA and a serving
//! certificate generated at start for the given host names. The CA's PEM is what a
//! ValidatingWebhookConfiguration's `caBundle` needs.

use std::path::Path;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DnType, ExtendedKeyUsagePurpose, IsCa, KeyPair,
    KeyUsagePurpose,
};
use rustls::ServerConfig;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

use super::error::AdmissionError;

/// Generated certificates are valid from the start of last year for this many years.
const GENERATED_VALIDITY_YEARS: i32 = 10;

/// A certificate chain (server certificate first) and its private key.
#[derive(Debug)]
pub struct Identity {
    chain: Vec<CertificateDer<'static>>,
    key: PrivateKeyDer<'static>,
    ca_pem: Option<String>,
}

impl Identity {
    /// The chain in `cert` (PEM, server certificate first) and the key in `key` (PEM: PKCS#8,
    /// PKCS#1 or SEC1).
    pub fn from_pem_files(cert: &Path, key: &Path) -> Result<Self, AdmissionError> {
        let cert_pem = read(cert)?;
        let chain = CertificateDer::pem_slice_iter(&cert_pem)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| AdmissionError::Pem { path: cert.to_path_buf(), problem: format!("bad PEM: {e}") })?;
        if chain.is_empty() {
            return Err(AdmissionError::Pem { path: cert.to_path_buf(), problem: "no CERTIFICATE block".into() });
        }
        let key = PrivateKeyDer::from_pem_slice(&read(key)?)
            .map_err(|e| AdmissionError::Pem { path: key.to_path_buf(), problem: format!("no private key: {e}") })?;
        Ok(Self { chain, key, ca_pem: None })
    }

    /// A new CA and a serving certificate signed by it for `hosts` (DNS names or IP addresses),
    /// both with fresh ECDSA P-256 keys.
    pub fn generate(hosts: &[String]) -> Result<Self, AdmissionError> {
        let failed = |source| AdmissionError::Generate { hosts: hosts.join(","), source };
        let mut ca_params = CertificateParams::new(Vec::<String>::new()).map_err(failed)?;
        ca_params.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
        ca_params.distinguished_name.push(DnType::CommonName, "Ferry admission webhook CA");
        ca_params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        set_validity(&mut ca_params);
        let ca = CertifiedIssuer::self_signed(ca_params, KeyPair::generate().map_err(failed)?).map_err(failed)?;

        let mut params = CertificateParams::new(hosts.to_vec()).map_err(failed)?;
        let common_name = hosts.first().map_or("ferry-admission", String::as_str);
        params.distinguished_name.push(DnType::CommonName, common_name);
        params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        params.use_authority_key_identifier_extension = true;
        set_validity(&mut params);
        let key = KeyPair::generate().map_err(failed)?;
        let cert = params.signed_by(&key, &ca).map_err(failed)?;
        Ok(Self {
            chain: vec![cert.der().clone(), ca.der().clone()],
            key: PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der())),
            ca_pem: Some(ca.pem()),
        })
    }

    /// The generated CA's certificate in PEM; none for an identity read from files.
    pub fn ca_pem(&self) -> Option<&str> {
        self.ca_pem.as_deref()
    }

    /// A rustls server configuration serving this identity over HTTP/1.1, on the ring provider.
    pub fn server_config(&self) -> Result<Arc<ServerConfig>, AdmissionError> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut config = ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(AdmissionError::Tls)?
            .with_no_client_auth()
            .with_single_cert(self.chain.clone(), self.key.clone_key())
            .map_err(AdmissionError::Tls)?;
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(Arc::new(config))
    }
}

fn read(path: &Path) -> Result<Vec<u8>, AdmissionError> {
    std::fs::read(path).map_err(|source| AdmissionError::Read { path: path.to_path_buf(), source })
}

/// Valid from January 1st of last year for `GENERATED_VALIDITY_YEARS`: covers clock skew without
/// needing a calendar library.
fn set_validity(params: &mut CertificateParams) {
    const SECONDS_PER_YEAR: u64 = 31_556_952;
    let since_epoch = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or_default();
    let last_year = 1969 + i32::try_from(since_epoch / SECONDS_PER_YEAR).unwrap_or_default();
    params.not_before = rcgen::date_time_ymd(last_year, 1, 1);
    params.not_after = rcgen::date_time_ymd(last_year + GENERATED_VALIDITY_YEARS, 1, 1);
}
