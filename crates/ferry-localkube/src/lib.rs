//! ferry-localkube: a local, Kubernetes-API-compatible cluster for trying Ferry and for
//! tests. The real `kubectl` and kube-rs talk to it over HTTP on 127.0.0.1 as they would to
//! a real cluster: discovery, CRUD, watch, patches, server-side apply, garbage collection,
//! CRDs, server-side defaults and simulated workload controllers. No containers run.
//!
//! It is a simulation and says so; nothing in Ferry's engine may special-case it.

pub mod api;
pub mod bootstrap;
pub mod builtin;
pub mod controllers;
pub mod discovery;
pub mod error;
pub mod http;
pub mod kubeconfig;
pub mod object;
pub mod openapi;
pub mod persist;
pub mod protobuf;
pub mod registry;
pub mod resource;
pub mod selector;
pub mod server;
pub mod store;
pub mod table;
pub mod time;

pub use api::{Cluster, Settings};
pub use server::{ClusterSpec, LocalKube, ServeError, ServeOptions};
