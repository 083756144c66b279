//! Ferry driven from outside, as users drive it: the real `ferry` binary (local clusters on
//! 127.0.0.1, `ferry app …` against real Git repositories), the real `kubectl` (and kube-rs)
//! as clients. Every assertion reads the cluster's answer back; waiting is polling with a
//! deadline, never a fixed sleep.

mod admission;
mod app;
mod check;
mod gitleaks_parity;
mod harness;
mod kube_rs;
mod kubectl;
mod lifecycle;
mod pipeline;
mod policy;
mod promotion;
mod render;
mod scan;
mod schema;
