//! One metric's analysis run as a pure state machine, with Argo Rollouts' rules: feed it each
//! measurement as it finishes and it answers when to measure next or which verdict the run
//! reached. Time is a parameter (any `T + Duration`), so the caller owns the clock.
//!
//! After each measurement, in this order (Argo Rollouts' `assessMetricStatus`):
//! 1. more Failed measurements than `failure_limit` ⇒ Failed (so the run stops as soon as
//!    failure is certain, without waiting for the remaining measurements);
//! 2. more Inconclusive measurements than `inconclusive_limit` ⇒ Inconclusive;
//! 3. more Errors in a row than `consecutive_error_limit` ⇒ Error;
//! 4. `count` measurements taken ⇒ Successful (failures within the limit are tolerated);
//! 5. otherwise measure again one `interval` after this measurement finished.
//!
//! Errors do not count towards `count` (they are retried at the same interval) and any
//! non-error measurement resets the consecutive-error counter.

use std::fmt;
use std::ops::Add;
use std::time::Duration;

use crate::analysis::measurement::Measurement;

/// The parameters of a metric, as Argo Rollouts names them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnalysisSpec {
    /// Measurements to take (errors excluded); 0 is taken as 1.
    pub count: u32,
    /// Time from the end of one measurement to the start of the next.
    pub interval: Duration,
    /// Failed measurements tolerated.
    pub failure_limit: u32,
    /// Inconclusive measurements tolerated (Argo Rollouts' default is 0).
    pub inconclusive_limit: u32,
    /// Errors in a row tolerated.
    pub consecutive_error_limit: u32,
}

/// What the run has seen so far.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Measurements that are not errors.
    pub taken: u32,
    pub successful: u32,
    pub failed: u32,
    pub inconclusive: u32,
    pub errors: u32,
    pub consecutive_errors: u32,
}

/// What the caller does next.
#[derive(Debug, Clone, PartialEq)]
pub enum Next<T> {
    /// Take a measurement at this time.
    MeasureAt(T),
    /// The run is over.
    Done(RunVerdict),
}

/// How a run ended, with the numbers that decided it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RunVerdict {
    Successful,
    Failed { failed: u32, failure_limit: u32 },
    Inconclusive { inconclusive: u32, inconclusive_limit: u32 },
    Error { consecutive_errors: u32, consecutive_error_limit: u32, last_error: String },
}

impl fmt::Display for RunVerdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RunVerdict::Successful => write!(f, "all measurements within limits"),
            RunVerdict::Failed { failed, failure_limit } => {
                write!(f, "{failed} measurement(s) failed, more than failureLimit {failure_limit}")
            }
            RunVerdict::Inconclusive { inconclusive, inconclusive_limit } => {
                write!(f, "{inconclusive} inconclusive measurement(s), more than the {inconclusive_limit} tolerated")
            }
            RunVerdict::Error { consecutive_errors, consecutive_error_limit, last_error } => write!(
                f,
                "{consecutive_errors} errors in a row, more than consecutiveErrorLimit {consecutive_error_limit}; last: {last_error}"
            ),
        }
    }
}

/// The state of one metric's run.
#[derive(Debug, Clone)]
pub struct AnalysisRun {
    spec: AnalysisSpec,
    counts: Counts,
    last_error: String,
    verdict: Option<RunVerdict>,
}

impl AnalysisRun {
    pub fn new(spec: AnalysisSpec) -> AnalysisRun {
        AnalysisRun { spec, counts: Counts::default(), last_error: String::new(), verdict: None }
    }

    /// The first measurement is taken at once.
    pub fn start<T>(&self, now: T) -> Next<T> {
        match &self.verdict {
            Some(verdict) => Next::Done(verdict.clone()),
            None => Next::MeasureAt(now),
        }
    }

    /// Records a measurement that finished at `finished_at` and says what comes next. Once
    /// the run is over, further measurements are ignored and the same verdict is returned.
    pub fn record<T: Add<Duration, Output = T>>(&mut self, measurement: Measurement, finished_at: T) -> Next<T> {
        if let Some(verdict) = &self.verdict {
            return Next::Done(verdict.clone());
        }
        self.count(measurement);
        match self.assess() {
            Some(verdict) => {
                self.verdict = Some(verdict.clone());
                Next::Done(verdict)
            }
            None => Next::MeasureAt(finished_at + self.spec.interval),
        }
    }

    pub fn counts(&self) -> Counts {
        self.counts
    }

    /// The verdict, once the run is over.
    pub fn verdict(&self) -> Option<&RunVerdict> {
        self.verdict.as_ref()
    }

    fn count(&mut self, measurement: Measurement) {
        let c = &mut self.counts;
        match measurement {
            Measurement::Error(message) => {
                c.errors += 1;
                c.consecutive_errors += 1;
                self.last_error = message;
                return;
            }
            Measurement::Successful => c.successful += 1,
            Measurement::Failed => c.failed += 1,
            Measurement::Inconclusive => c.inconclusive += 1,
        }
        c.taken += 1;
        c.consecutive_errors = 0;
    }

    fn assess(&self) -> Option<RunVerdict> {
        let (c, s) = (&self.counts, &self.spec);
        if c.failed > s.failure_limit {
            return Some(RunVerdict::Failed { failed: c.failed, failure_limit: s.failure_limit });
        }
        if c.inconclusive > s.inconclusive_limit {
            return Some(RunVerdict::Inconclusive {
                inconclusive: c.inconclusive,
                inconclusive_limit: s.inconclusive_limit,
            });
        }
        if c.consecutive_errors > s.consecutive_error_limit {
            return Some(RunVerdict::Error {
                consecutive_errors: c.consecutive_errors,
                consecutive_error_limit: s.consecutive_error_limit,
                last_error: self.last_error.clone(),
            });
        }
        (c.taken >= s.count.max(1)).then_some(RunVerdict::Successful)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: fn() -> Measurement = || Measurement::Successful;
    const F: fn() -> Measurement = || Measurement::Failed;
    const I: fn() -> Measurement = || Measurement::Inconclusive;
    const E: fn() -> Measurement = || Measurement::Error("connection refused".into());

    fn spec(count: u32, failure_limit: u32, consecutive_error_limit: u32) -> AnalysisSpec {
        AnalysisSpec {
            count,
            interval: Duration::from_secs(10),
            failure_limit,
            inconclusive_limit: 0,
            consecutive_error_limit,
        }
    }

    /// Feeds measurements until the run ends; returns the verdict and how many were used.
    fn feed(spec: AnalysisSpec, measurements: &[fn() -> Measurement]) -> (Option<RunVerdict>, usize) {
        let mut run = AnalysisRun::new(spec);
        let mut now = Duration::ZERO;
        assert_eq!(run.start(now), Next::MeasureAt(now));
        for (i, m) in measurements.iter().enumerate() {
            match run.record(m(), now) {
                Next::MeasureAt(at) => {
                    assert_eq!(at, now + Duration::from_secs(10), "the next measurement is one interval later");
                    now = at + Duration::from_secs(1);
                }
                Next::Done(verdict) => return (Some(verdict), i + 1),
            }
        }
        (None, measurements.len())
    }

    fn failed(failed: u32, failure_limit: u32) -> Option<RunVerdict> {
        Some(RunVerdict::Failed { failed, failure_limit })
    }

    fn error(consecutive_errors: u32, consecutive_error_limit: u32) -> Option<RunVerdict> {
        Some(RunVerdict::Error { consecutive_errors, consecutive_error_limit, last_error: "connection refused".into() })
    }

    #[test]
    fn argo_rollouts_semantics() {
        #[allow(clippy::type_complexity)]
        let cases: &[(&str, AnalysisSpec, &[fn() -> Measurement], Option<RunVerdict>, usize)] = &[
            ("one success", spec(1, 0, 4), &[S], Some(RunVerdict::Successful), 1),
            ("count reached", spec(3, 0, 4), &[S, S, S], Some(RunVerdict::Successful), 3),
            ("still measuring", spec(3, 0, 4), &[S, S], None, 2),
            ("first failure fails at limit 0", spec(3, 0, 4), &[F, S, S], failed(1, 0), 1),
            ("failures within the limit pass", spec(3, 1, 4), &[F, S, S], Some(RunVerdict::Successful), 3),
            ("failed > failureLimit", spec(5, 1, 4), &[F, S, F, S, S], failed(2, 1), 3),
            ("stops as soon as failure is certain", spec(10, 2, 4), &[F, F, F, S], failed(3, 2), 3),
            ("errors do not count", spec(2, 0, 4), &[S, E, E, S], Some(RunVerdict::Successful), 4),
            ("errors > limit", spec(3, 0, 2), &[E, E, E], error(3, 2), 3),
            ("limit + 1 errors with default limit", spec(1, 0, 4), &[E, E, E, E, E], error(5, 4), 5),
            ("limit 0: first error ends", spec(3, 0, 0), &[E], error(1, 0), 1),
            (
                "a success resets the error streak",
                spec(3, 0, 2),
                &[E, E, S, E, E, S, S],
                Some(RunVerdict::Successful),
                7,
            ),
            (
                "inconclusive ends at default limit 0",
                spec(3, 0, 4),
                &[S, I],
                Some(RunVerdict::Inconclusive { inconclusive: 1, inconclusive_limit: 0 }),
                2,
            ),
            ("failure checked before count", spec(1, 0, 4), &[F], failed(1, 0), 1),
            ("count 0 is one measurement", spec(0, 0, 4), &[S], Some(RunVerdict::Successful), 1),
        ];
        for (name, spec, measurements, expected, used) in cases {
            let (verdict, n) = feed(spec.clone(), measurements);
            assert_eq!(&verdict, expected, "{name}");
            assert_eq!(n, *used, "{name}: measurements used");
        }
    }

    #[test]
    fn done_is_sticky_and_counts_are_kept() {
        let secs = Duration::from_secs;
        let mut run = AnalysisRun::new(spec(2, 0, 4));
        assert_eq!(run.record(E(), secs(0)), Next::MeasureAt(secs(10)));
        assert_eq!(run.record(F(), secs(11)), Next::Done(RunVerdict::Failed { failed: 1, failure_limit: 0 }));
        assert_eq!(run.record(S(), secs(12)), Next::Done(RunVerdict::Failed { failed: 1, failure_limit: 0 }));
        let c = run.counts();
        assert_eq!((c.taken, c.failed, c.errors, c.consecutive_errors), (1, 1, 1, 0));
        assert!(run.verdict().is_some());
        assert!(matches!(run.start(secs(13)), Next::Done(_)));
    }

    #[test]
    fn verdicts_explain_themselves() {
        assert_eq!(
            RunVerdict::Failed { failed: 2, failure_limit: 1 }.to_string(),
            "2 measurement(s) failed, more than failureLimit 1"
        );
        let e = error(5, 4).unwrap().to_string();
        assert!(e.contains("5 errors in a row") && e.contains("connection refused"), "{e}");
    }
}
