//! What a verification found, as the engine stores it (JSON) and shows it. Messages name what
//! was checked and what came back, never secrets: URLs lose their userinfo and query, answer
//! bodies are not copied in.

use ferry_core::analysis::Phase;
use serde::{Deserialize, Serialize};

/// The outcome of a whole verification or of one check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Verdict {
    Passed,
    /// The application answered, and the answer was wrong: roll back.
    Failed,
    /// Both conditions of a query were given and neither was decisive (Argo Rollouts pauses
    /// here): the Freight is not verified, and a person decides.
    Inconclusive,
    /// The check could not be carried out (unreachable, timed out, cancelled, not supported).
    Error,
}

impl Verdict {
    /// How bad a verdict is; the worst check decides the whole verification.
    fn severity(self) -> u8 {
        match self {
            Verdict::Passed => 0,
            Verdict::Inconclusive => 1,
            Verdict::Error => 2,
            Verdict::Failed => 3,
        }
    }

    /// The worst of `verdicts`; Passed when there are none.
    pub fn worst(verdicts: impl IntoIterator<Item = Verdict>) -> Verdict {
        verdicts.into_iter().max_by_key(|v| v.severity()).unwrap_or(Verdict::Passed)
    }
}

/// The kind of check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CheckKind {
    Http,
    Prometheus,
    Command,
    Job,
}

/// Everything one verification found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VerificationReport {
    pub stage: String,
    pub freight_alias: String,
    /// The worst verdict of the checks (Failed > Error > Inconclusive > Passed).
    pub verdict: Verdict,
    pub checks: Vec<CheckResult>,
}

/// One check's outcome.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CheckResult {
    /// `http-1`, the query's name (or `query-1`), `command`, `job`.
    pub name: String,
    pub kind: CheckKind,
    pub verdict: Verdict,
    /// Why, in a sentence a user can act on.
    pub message: String,
    /// Each measurement of a Prometheus query, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub measurements: Vec<MeasurementRecord>,
    /// The last lines a command printed (stdout and stderr, interleaved).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub output: Vec<String>,
}

impl CheckResult {
    pub fn new(name: impl Into<String>, kind: CheckKind, verdict: Verdict, message: impl Into<String>) -> CheckResult {
        CheckResult {
            name: name.into(),
            kind,
            verdict,
            message: message.into(),
            measurements: Vec::new(),
            output: Vec::new(),
        }
    }
}

/// One measurement of a Prometheus query.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MeasurementRecord {
    pub phase: Phase,
    /// The result as measured, e.g. `[0.012]`; absent when the query failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// Why the measurement is an Error.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn worst_verdict_wins() {
        use Verdict::*;
        let cases: &[(&[Verdict], Verdict)] = &[
            (&[], Passed),
            (&[Passed, Passed], Passed),
            (&[Passed, Inconclusive], Inconclusive),
            (&[Inconclusive, Error], Error),
            (&[Error, Failed, Passed], Failed),
        ];
        for (verdicts, expected) in cases {
            assert_eq!(Verdict::worst(verdicts.iter().copied()), *expected, "{verdicts:?}");
        }
    }

    #[test]
    fn report_round_trips_as_json() {
        let mut check = CheckResult::new("query-1", CheckKind::Prometheus, Verdict::Failed, "too many errors");
        check.measurements.push(MeasurementRecord { phase: Phase::Failed, value: Some("[0.5]".into()), message: None });
        let report = VerificationReport {
            stage: "dev".into(),
            freight_alias: "brave-otter".into(),
            verdict: Verdict::Failed,
            checks: vec![check],
        };
        let json = serde_json::to_value(&report).unwrap();
        assert_eq!(json["freightAlias"], "brave-otter");
        assert_eq!(json["checks"][0]["kind"], "prometheus");
        assert_eq!(json["checks"][0]["measurements"][0]["phase"], "Failed");
        assert!(json["checks"][0].get("output").is_none());
        assert_eq!(serde_json::from_value::<VerificationReport>(json).unwrap(), report);
    }
}
