//! Ferry's gates: what every change must pass before it reaches a cluster.
//!
//! - `secrets`: a secret scanner that reads gitleaks configuration unchanged.
//! - `policy`: Gatekeeper ConstraintTemplates and Constraints evaluated with a Rust Rego engine,
//!   and `gator verify` suites.
//! - `vuln`: Trivy, Grype and CycloneDX (VEX) reports normalised and judged against thresholds per
//!   environment, with suppressions that expire.
//! - `admission`: a validating admission webhook enforcing those policies over HTTPS.
//! - `schema`: Kubernetes objects validated against the built-in schemas of a Kubernetes version
//!   (embedded) and the CRDs in the set, as kubeconform does.
pub mod admission;
pub mod policy;
pub mod schema;
pub mod secrets;
pub mod vuln;
