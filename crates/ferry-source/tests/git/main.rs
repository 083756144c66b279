//! Integration tests of `ferry-source` against real repositories made by `git` and served on
//! 127.0.0.1 by `git daemon` and `git http-backend`.

mod errors;
mod local;
mod remote;
mod support;
mod tree;
mod worktree;
