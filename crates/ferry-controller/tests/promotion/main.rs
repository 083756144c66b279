//! Promotion against real parts: the steps against real Git remotes (bare repositories,
//! `git daemon`, smart HTTP on 127.0.0.1), and the promotion engine end to end — Freight moved
//! dev → staging → production by commits to a real repository, synced into Ferry's local
//! cluster, verified, approved, rolled back, resumed after a simulated crash.

#[allow(dead_code)]
#[path = "../../../ferry-source/tests/git/support.rs"]
mod support;

mod engine;
mod fixture;
mod receiver;
mod steps;
mod vulnerabilities;
mod webhook;
