//! `accepts` of a Stage: the Freight it takes, straight from a Warehouse or once verified in
//! upstream Stages (one of them, or all of them).

use serde::Serialize;

use crate::decode::Decoder;
use crate::node::Node;
use crate::reference::Reference;

/// Where a Stage's Freight comes from.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Accepts {
    /// Every new Freight of this Warehouse.
    Warehouse(Reference),
    /// Freight verified in upstream Stages.
    Upstream { stages: Vec<Reference>, require: Require },
}

/// How many upstream Stages must have verified a Freight.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Require {
    /// Verified in any one of them (the default).
    OneOf,
    /// Verified in every one of them.
    AllOf,
}

const REQUIRE: &[(&str, Require)] = &[("oneOf", Require::OneOf), ("allOf", Require::AllOf)];
const ONE_OF: &str = "exactly one of `warehouse` (a Warehouse's name) or `upstream` (a list of stage names)";

pub(crate) fn decode(d: &mut Decoder, node: &Node, path: &str) -> Option<Accepts> {
    let mut f = d.fields(node, path)?;
    let warehouse = f.take("warehouse").and_then(|n| crate::decode::reference(d, n, &format!("{path}.warehouse")));
    let upstream_node = f.peek("upstream");
    let stages = f.references(d, "upstream");
    let require_node = f.peek("require");
    let require = f.choice(d, "require", REQUIRE);
    f.finish(d);
    match (warehouse, upstream_node) {
        (Some(w), None) => {
            if let Some(n) = require_node {
                d.invalid(n, &format!("{path}.require"), "`require` only with `upstream`");
            }
            Some(Accepts::Warehouse(w))
        }
        (None, Some(n)) if stages.is_empty() => {
            d.invalid(n, &format!("{path}.upstream"), "at least one stage name");
            None
        }
        (None, Some(_)) => Some(Accepts::Upstream { stages, require: require.unwrap_or(Require::OneOf) }),
        (None, None) => {
            d.missing(node.line, path, ONE_OF);
            None
        }
        (Some(_), Some(n)) => {
            d.invalid_at(n.line, path, ONE_OF, "both".to_owned());
            None
        }
    }
}
