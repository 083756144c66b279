//! `yaml-update`: set keys (dotted paths such as `image.tag`) in a YAML file such as Helm
//! values, keeping the rest of the file as written.

use serde::Serialize;

use super::StepAction;
use crate::decode::{Decoder, Fields};
use crate::node::Node;

/// `with` of `yaml-update`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct YamlUpdate {
    /// The file, inside the working tree.
    pub path: String,
    pub updates: Vec<YamlValueUpdate>,
}

/// One key and its new value.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct YamlValueUpdate {
    /// A dotted path, e.g. `image.tag` or `services.0.port`.
    pub key: String,
    pub value: YamlValue,
}

/// A fixed value, or a version taken from the Freight.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum YamlValue {
    Value(String),
    /// The tag of this image in the Freight.
    FromImage(String),
    /// The version of this chart (by name) in the Freight.
    FromChart(String),
}

pub(crate) fn decode(d: &mut Decoder, f: &mut Fields<'_>) -> Option<StepAction> {
    let path = super::required_path(d, f, "path", "the YAML file to update, in the working tree");
    let present = f.peek("updates").is_some();
    let updates = f.list(d, "updates", decode_update);
    if !present {
        d.missing(f.line(), &f.path("updates"), "a list of `{key, value}` entries");
    }
    Some(StepAction::YamlUpdate(YamlUpdate { path: path?, updates }))
}

const ONE_OF: &str = "exactly one of `value`, `fromImage` (an image repository) or `fromChart` (a chart name)";

fn decode_update(d: &mut Decoder, node: &Node, path: &str) -> Option<YamlValueUpdate> {
    let mut f = d.fields(node, path)?;
    let key_node = f.peek("key");
    let key = f.required_string(d, "key", "a dotted path such as `image.tag`");
    if let (Some(k), Some(n)) = (&key, key_node)
        && k.split('.').any(str::is_empty)
    {
        d.invalid(n, &f.path("key"), "a dotted path without empty parts, e.g. `image.tag`");
    }
    let values = [
        f.string(d, "value").map(YamlValue::Value),
        f.string(d, "fromImage").map(YamlValue::FromImage),
        f.string(d, "fromChart").map(YamlValue::FromChart),
    ];
    let mut given: Vec<YamlValue> = values.into_iter().flatten().collect();
    f.finish(d);
    if given.len() != 1 {
        let found = if given.is_empty() { "none".to_owned() } else { "several".to_owned() };
        d.invalid_at(node.line, path, ONE_OF, found);
        return None;
    }
    Some(YamlValueUpdate { key: key?, value: given.remove(0) })
}
