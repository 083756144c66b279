//! One measurement: what a query result means under a metric's conditions, as Argo Rollouts
//! decides it.

use serde::{Deserialize, Serialize};

use crate::analysis::condition::Condition;
use crate::analysis::value::QueryResult;

/// The outcome of one measurement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Measurement {
    Successful,
    Failed,
    /// Both conditions were given and neither was decisive.
    Inconclusive,
    /// The value could not be taken or judged (query failed, condition did not evaluate).
    Error(String),
}

/// A measurement's outcome without its details; the wire strings live here.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Phase {
    Successful,
    Failed,
    Inconclusive,
    Error,
}

impl Measurement {
    pub fn phase(&self) -> Phase {
        match self {
            Measurement::Successful => Phase::Successful,
            Measurement::Failed => Phase::Failed,
            Measurement::Inconclusive => Phase::Inconclusive,
            Measurement::Error(_) => Phase::Error,
        }
    }
}

/// Judges `result` as Argo Rollouts does:
/// - a failure condition that holds ⇒ Failed (it wins over a success condition that holds);
/// - only a success condition, and it does not hold ⇒ Failed;
/// - only a failure condition, and it does not hold ⇒ Successful;
/// - both given, the success condition holds ⇒ Successful, neither holds ⇒ Inconclusive;
/// - neither given ⇒ Successful;
/// - a condition that cannot be evaluated ⇒ Error.
pub fn assess(result: &QueryResult, success: Option<&Condition>, failure: Option<&Condition>) -> Measurement {
    let eval = |condition: Option<&Condition>, which: &str| -> Result<Option<bool>, String> {
        condition.map(|c| c.evaluate(result).map_err(|e| format!("{which} `{c}` on {result}: {e}"))).transpose()
    };
    let succeeded = match eval(success, "successCondition") {
        Ok(v) => v,
        Err(message) => return Measurement::Error(message),
    };
    let failed = match eval(failure, "failureCondition") {
        Ok(v) => v,
        Err(message) => return Measurement::Error(message),
    };
    match (succeeded, failed) {
        (_, Some(true)) | (Some(false), None) => Measurement::Failed,
        (Some(false), Some(false)) => Measurement::Inconclusive,
        _ => Measurement::Successful,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn argo_rollouts_decision_table() {
        let result = QueryResult::Vector(vec![0.5]);
        let yes = Condition::parse("result[0] > 0").unwrap();
        let no = Condition::parse("result[0] > 1").unwrap();
        let broken = Condition::parse("result[3] > 1").unwrap();
        let cases: &[(Option<&Condition>, Option<&Condition>, Phase)] = &[
            (None, None, Phase::Successful),
            (Some(&yes), None, Phase::Successful),
            (Some(&no), None, Phase::Failed),
            (None, Some(&yes), Phase::Failed),
            (None, Some(&no), Phase::Successful),
            (Some(&yes), Some(&no), Phase::Successful),
            (Some(&no), Some(&yes), Phase::Failed),
            (Some(&yes), Some(&yes), Phase::Failed),
            (Some(&no), Some(&no), Phase::Inconclusive),
            (Some(&broken), None, Phase::Error),
            (Some(&yes), Some(&broken), Phase::Error),
        ];
        for (i, (success, failure, expected)) in cases.iter().enumerate() {
            assert_eq!(assess(&result, *success, *failure).phase(), *expected, "case {i}");
        }
    }

    #[test]
    fn error_names_the_condition_and_the_result() {
        let broken = Condition::parse("result[0] < 1").unwrap();
        let Measurement::Error(message) = assess(&QueryResult::Vector(vec![]), Some(&broken), None) else {
            panic!("expected an error");
        };
        assert!(message.contains("successCondition `result[0] < 1` on []"), "{message}");
    }
}
