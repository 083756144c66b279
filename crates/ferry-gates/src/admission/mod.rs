//! A Kubernetes validating admission webhook that enforces Gatekeeper Constraints: AdmissionReview
//! v1 in, a verdict out (`allowed`, a 403 `status` listing the denying constraints as Gatekeeper
//! formats them, `warnings` for `warn` constraints), served over HTTPS with a provided or
//! generated certificate.
//!
//! - [`Validator`] turns an AdmissionReview into its response; pure, no I/O.
//! - [`InventoryHandle`] is the validator's `data.inventory`, replaceable while it serves (each
//!   review reads one snapshot), and what it still waits for (`GET /readyz`).
//! - [`SyncKind`] and [`load_sync_config`] say which live kinds to replicate into the inventory
//!   (`--sync`, a Gatekeeper `Config`); keeping them current is the cluster side's job, outside
//!   this crate.
//! - [`AdmissionResponse`] is the verdict and its wire shape.
//! - [`Identity`] is the server's certificate and key: PEM files, or generated with a CA whose
//!   PEM goes into a ValidatingWebhookConfiguration's `caBundle`.
//! - [`router`] holds the HTTP endpoints (`POST /validate`, `POST /v1/admit`, `GET /healthz`,
//!   `GET /readyz`) with no socket; [`AdmissionServer`] serves them over TLS until told to stop.
//!
//! ```no_run
//! use ferry_gates::admission::{AdmissionServer, Identity, Validator, ServerOptions};
//! use ferry_gates::policy::{Inventory, PolicySet};
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let policies = PolicySet::load_dir(std::path::Path::new("policies"))?;
//! let validator = Validator::new(policies, Inventory::default());
//! let identity = Identity::generate(&["localhost".into(), "127.0.0.1".into()])?;
//! let options = ServerOptions::new("127.0.0.1:8443".parse()?);
//! let server = AdmissionServer::bind(options, &identity, validator).await?;
//! println!("serving https://{}", server.local_addr());
//! server.run(async { let _ = tokio::signal::ctrl_c().await; }).await?;
//! # Ok(())
//! # }
//! ```

mod error;
mod identity;
mod inventory;
mod inventory_handle;
mod listener;
mod response;
mod router;
mod server;
mod sync_kinds;
mod validator;

pub use error::{AdmissionError, MalformedReview};
pub use identity::Identity;
pub use inventory::{load_inventory, load_objects};
pub use inventory_handle::InventoryHandle;
pub use response::{AdmissionResponse, ResponseStatus};
pub use router::router;
pub use server::{AdmissionServer, DEFAULT_BODY_LIMIT, ServerOptions};
pub use sync_kinds::{BadSyncKind, SyncKind, load_sync_config};
pub use validator::{FailurePolicy, Validator};
