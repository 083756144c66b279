//! The `Warehouse` (`ferry.dev/v1alpha1`): subscriptions to new Revisions (Git commits or
//! tags, image tags, chart versions) that together produce Freight.

use std::time::Duration;

use serde::Serialize;

use crate::decode::Decoder;
use crate::duration;
use crate::node::{Node, NodeKind};
use crate::object_meta::{self, ObjectMeta};
use crate::subscription::{self, Subscription};

/// The kind of a Warehouse.
pub const WAREHOUSE_KIND: &str = "Warehouse";
/// How often subscriptions are polled when `spec.interval` is absent.
pub const DEFAULT_INTERVAL: Duration = Duration::from_secs(5 * 60);

/// A Warehouse as Ferry reads it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Warehouse {
    pub metadata: ObjectMeta,
    pub spec: WarehouseSpec,
}

/// What a Warehouse watches and how it makes Freight.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WarehouseSpec {
    /// At least one; a new Freight holds the newest Revision of each.
    pub subscriptions: Vec<Subscription>,
    /// How often the subscriptions are polled (webhooks and `refresh` come on top).
    #[serde(serialize_with = "duration::serialize")]
    pub interval: Duration,
    pub freight_creation_policy: FreightCreationPolicy,
}

/// Whether new Revisions become Freight by themselves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum FreightCreationPolicy {
    /// Every new combination of Revisions becomes Freight (the default).
    Automatic,
    /// Freight is only made on request.
    Manual,
}

const POLICIES: &[(&str, FreightCreationPolicy)] =
    &[("Automatic", FreightCreationPolicy::Automatic), ("Manual", FreightCreationPolicy::Manual)];

/// Decodes a document already known to be a Warehouse; `None` when it has errors.
pub(crate) fn decode(d: &mut Decoder, node: &Node) -> Option<Warehouse> {
    let (metadata, spec) =
        object_meta::decode_resource(d, node, WAREHOUSE_KIND, "a map with `subscriptions`", decode_spec)?;
    Some(Warehouse { metadata, spec })
}

fn decode_spec(d: &mut Decoder, node: &Node) -> Option<WarehouseSpec> {
    let mut f = d.fields(node, "spec")?;
    const EXPECTED: &str = "at least one subscription (`git`, `image` or `chart`)";
    let node = f.peek("subscriptions");
    let subscriptions = f.list(d, "subscriptions", subscription::decode);
    match node {
        None => d.missing(f.line(), "spec.subscriptions", EXPECTED),
        Some(n) if matches!(&n.kind, NodeKind::Seq(items) if items.is_empty()) => {
            d.invalid(n, "spec.subscriptions", EXPECTED)
        }
        Some(_) => {}
    }
    let interval_node = f.peek("interval");
    let interval = f.duration(d, "interval").unwrap_or(DEFAULT_INTERVAL);
    if let Some(n) = interval_node.filter(|_| interval < Duration::from_secs(10)) {
        d.invalid(n, "spec.interval", "at least `10s`, so that registries are not hammered");
    }
    let freight_creation_policy =
        f.choice(d, "freightCreationPolicy", POLICIES).unwrap_or(FreightCreationPolicy::Automatic);
    f.finish(d);
    Some(WarehouseSpec { subscriptions, interval, freight_creation_policy })
}
