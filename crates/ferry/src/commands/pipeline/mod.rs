//! `ferry pipeline validate|graph`: the Warehouses and Pipelines of the control folder checked
//! with file/line errors, and drawn as the promotion diagrams teams draw by hand. Promotions do
//! not run yet; this is what the promotion engine will read.

mod dot;
mod mermaid;
mod text;
mod view;

use std::path::Path;

use ferry_api::{Config, Loaded, Pipeline};

use super::Exit;
use crate::cli::{GraphOutput, PipelineCommand, PipelineGraphArgs};

/// Runs one `ferry pipeline` subcommand against the control folder `config`.
pub fn run(config: &Path, cmd: PipelineCommand) -> anyhow::Result<Exit> {
    let Some(loaded) = load(config) else { return Ok(Exit::ProblemCode(2)) };
    match cmd {
        PipelineCommand::Validate => {
            println!("{}", summary(&loaded));
            Ok(Exit::Success)
        }
        PipelineCommand::Graph(args) => graph(&loaded, &args),
    }
}

/// The configuration, or `None` after printing every mistake (FILE:LINE: …) to stderr.
fn load(config: &Path) -> Option<Config> {
    match ferry_api::load_dir(config) {
        Ok(loaded) => Some(loaded),
        Err(errors) => {
            for error in errors.iter() {
                eprintln!("{error}");
            }
            let n = errors.len();
            eprintln!("{n} {} in {}", plural(n, "mistake", "mistakes"), config.display());
            None
        }
    }
}

/// `2 warehouses, 1 pipeline (4 stages)`.
fn summary(config: &Config) -> String {
    let (w, p) = (config.warehouses.len(), config.pipelines.len());
    let stages: usize = config.pipelines.iter().map(|p| p.value.spec.stages.len()).sum();
    let mut text = format!(
        "{w} {}, {p} {} ({stages} {})",
        plural(w, "warehouse", "warehouses"),
        plural(p, "pipeline", "pipelines"),
        plural(stages, "stage", "stages")
    );
    let n = config.notifiers.len();
    if n > 0 {
        text.push_str(&format!(", {n} {}", plural(n, "notifier", "notifiers")));
    }
    text
}

fn plural<'a>(n: usize, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 { one } else { many }
}

fn graph(config: &Config, args: &PipelineGraphArgs) -> anyhow::Result<Exit> {
    let Some(pipeline) = choose(config, args.name.as_deref()) else { return Ok(Exit::ProblemCode(2)) };
    let view = view::PipelineView::new(config, &pipeline.value)?;
    let drawing = match args.output {
        GraphOutput::Text => text::draw(&view),
        GraphOutput::Mermaid => mermaid::draw(&view),
        GraphOutput::Dot => dot::draw(&view),
    };
    print!("{drawing}");
    Ok(Exit::Success)
}

/// The Pipeline named, or the only one; `None` after saying why not.
fn choose<'c>(config: &'c Config, name: Option<&str>) -> Option<&'c Loaded<Pipeline>> {
    let names: Vec<&str> = config.pipelines.iter().map(|p| p.value.metadata.name.as_str()).collect();
    let found = match name {
        Some(name) => config.pipeline(name),
        None if names.len() == 1 => config.pipelines.first(),
        None => None,
    };
    if found.is_none() {
        match (name, names.is_empty()) {
            (_, true) => eprintln!("error: the control folder holds no Pipeline"),
            (Some(name), false) => {
                eprintln!("error: no Pipeline `{name}`; the control folder has {}", names.join(", "))
            }
            (None, false) => eprintln!("error: several Pipelines; name one of {}", names.join(", ")),
        }
    }
    found
}
