//! `kustomize-set-image`: set image names, tags or digests in a `kustomization.yaml` (its
//! `images:` list), editing the file in place.

use serde::Serialize;

use super::StepAction;
use crate::decode::{Decoder, Fields};
use crate::node::Node;

/// `with` of `kustomize-set-image`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KustomizeSetImage {
    /// The directory holding `kustomization.yaml`, inside the working tree.
    pub path: String,
    pub images: Vec<ImageUpdate>,
}

/// One entry: which image, and what it becomes.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ImageUpdate {
    /// The image as the manifests name it, e.g. `ghcr.io/acme/web`.
    pub image: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new_name: Option<String>,
    /// A fixed tag; the Freight's tag of this image when neither `tag` nor `digest` is given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tag: Option<String>,
    /// Pin by digest: the Freight's digest of this image when `true`.
    pub digest: bool,
}

pub(crate) fn decode(d: &mut Decoder, f: &mut Fields<'_>) -> Option<StepAction> {
    let path = super::required_path(d, f, "path", "the directory of the kustomization.yaml, in the working tree");
    let present = f.peek("images").is_some();
    let images = f.list(d, "images", decode_image);
    if !present {
        d.missing(f.line(), &f.path("images"), "a list of `{image}` entries to update");
    }
    Some(StepAction::KustomizeSetImage(KustomizeSetImage { path: path?, images }))
}

fn decode_image(d: &mut Decoder, node: &Node, path: &str) -> Option<ImageUpdate> {
    let mut f = d.fields(node, path)?;
    let image = f.required_string(d, "image", "the image as the manifests name it, e.g. `ghcr.io/acme/web`");
    let new_name = f.string(d, "newName");
    let tag = f.string(d, "tag");
    let digest_node = f.peek("digest");
    let digest = f.bool(d, "digest");
    if let (true, Some(_), Some(n)) = (digest, &tag, digest_node) {
        d.invalid(n, &f.path("digest"), "either a fixed `tag` or `digest: true`, not both");
    }
    f.finish(d);
    Some(ImageUpdate { image: image?, new_name, tag, digest })
}
