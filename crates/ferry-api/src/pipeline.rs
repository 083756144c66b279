//! The `Pipeline` (`ferry.dev/v1alpha1`): the ordered Stages a Freight travels through, e.g.
//! dev → staging → production, plus a disaster-recovery Stage following production.

use serde::Serialize;

use crate::decode::Decoder;
use crate::node::Node;
use crate::object_meta::{self, ObjectMeta};
use crate::stage::{self, Stage};

/// The kind of a Pipeline.
pub const PIPELINE_KIND: &str = "Pipeline";

/// A Pipeline as Ferry reads it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Pipeline {
    pub metadata: ObjectMeta,
    pub spec: PipelineSpec,
}

/// The Stages, in the order they are written.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PipelineSpec {
    pub stages: Vec<Stage>,
}

impl Pipeline {
    /// The Stage named `name`.
    pub fn stage(&self, name: &str) -> Option<&Stage> {
        self.spec.stages.iter().find(|s| s.name == name)
    }
}

/// Decodes a document already known to be a Pipeline; `None` when it has errors.
pub(crate) fn decode(d: &mut Decoder, node: &Node) -> Option<Pipeline> {
    let (metadata, spec) = object_meta::decode_resource(d, node, PIPELINE_KIND, "a map with `stages`", decode_spec)?;
    Some(Pipeline { metadata, spec })
}

fn decode_spec(d: &mut Decoder, node: &Node) -> Option<PipelineSpec> {
    let errors_before = d.error_count();
    let mut f = d.fields(node, "spec")?;
    let stages_node = f.peek("stages");
    let stages = f.list(d, "stages", stage::decode);
    f.finish(d);
    if stages_node.is_none() {
        d.missing(node.line, "spec.stages", "the list of stages in order, e.g. dev, staging, production");
    } else if stages.is_empty() && d.error_count() == errors_before {
        d.invalid_at(node.line, "spec.stages", "at least one stage", "an empty list".to_owned());
    }
    if d.error_count() == errors_before {
        crate::pipeline_check::check_stages(d, &stages);
    }
    Some(PipelineSpec { stages })
}
