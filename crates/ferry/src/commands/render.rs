//! `ferry render DIR`: a kustomization built by Ferry's native Kustomize, printed exactly as
//! `kubectl kustomize DIR` prints it, so that it can stand in for it. SOPS-encrypted files in
//! the tree are decrypted with the user's age keys as they are read.
//!
//! A kustomize error is printed to stderr and ends the command with exit code 1, as
//! `kubectl kustomize` does; remote bases are refused (the controller fetches them through
//! its Git layer; the CLI has none).

use std::io::Write;

use anyhow::Context;
use ferry_render::kustomize::{self, BuildOptions, FsLoader, LoadRestrictor, Reorder};
use ferry_render::sops::{AgeKeys, DecryptingLoader};

use super::Exit;
use crate::cli::{LoadRestrictorArg, RenderArgs, ReorderArg};

pub fn run(args: &RenderArgs) -> anyhow::Result<Exit> {
    let opts = BuildOptions {
        reorder: match args.reorder {
            ReorderArg::Legacy => Reorder::Legacy,
            ReorderArg::None => Reorder::None,
        },
        load_restrictor: match args.load_restrictor {
            LoadRestrictorArg::LoadRestrictionsRootOnly => LoadRestrictor::RootOnly,
            LoadRestrictorArg::LoadRestrictionsNone => LoadRestrictor::None,
        },
        enable_helm: args.enable_helm,
        helm_command: args.helm_command.clone(),
        ..BuildOptions::default()
    };
    // SOPS-encrypted files are decrypted as they are read, with age keys from SOPS_AGE_KEY,
    // SOPS_AGE_KEY_FILE or sops's default key file.
    let keys = AgeKeys::from_env().context("reading SOPS age keys")?;
    let keys = (!keys.is_empty()).then_some(&keys);
    let built = FsLoader::for_directory(&args.dir).and_then(|(loader, dir)| {
        let loader = DecryptingLoader { inner: &loader, keys };
        kustomize::build_yaml(&loader, &dir, &opts)
    });
    let text = match built {
        Ok(text) => text,
        Err(e) => {
            eprintln!("Error: {e}");
            return Ok(Exit::Problem);
        }
    };
    match &args.output {
        Some(path) => std::fs::write(path, text).with_context(|| format!("writing {}", path.display()))?,
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(text.as_bytes()).context("writing to stdout")?;
            out.flush().context("writing to stdout")?;
        }
    }
    Ok(Exit::Success)
}
