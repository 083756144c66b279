//! Integration tests of Warehouse discovery against real parts on 127.0.0.1: Git
//! repositories made by `git` (served by `git daemon`), Debian's `docker-registry`
//! (distribution v2) with images pushed through its HTTP API, and Helm chart indexes served
//! by `python3 -m http.server`; Docker credential helpers are shell scripts in a temp dir.

mod chart;
mod credential_helpers;
mod git;
#[path = "../git/support.rs"]
#[allow(dead_code)]
mod git_support;
mod image;
mod referrers;
mod registry;
mod servers;
mod support;
