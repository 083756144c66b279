//! Analysis of a verification's measurements, with the semantics of Argo Rollouts analysis:
//! [`condition`] parses and evaluates `successCondition` / `failureCondition` over a query
//! result, [`measurement`] turns one result into a measurement phase, and [`run`] decides after
//! each measurement whether to measure again (and when) or which verdict the run reached.
//!
//! Nothing here performs I/O or reads a clock: the runner in ferry-controller queries, sleeps
//! and feeds the outcomes in.

pub mod condition;
pub mod measurement;
pub mod run;
pub mod value;

pub use condition::{Condition, EvalError, ParseError};
pub use measurement::{Measurement, Phase, assess};
pub use run::{AnalysisRun, AnalysisSpec, Counts, Next, RunVerdict};
pub use value::{QueryResult, Value};
