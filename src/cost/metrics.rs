//! What `aws cloudwatch get-metric-statistics` prints for Container Insights' `CpuUtilized` and
//! `MemoryUtilized`, read into one series per metric.
//!
//! The CLI prints `{"Label": "CpuUtilized", "Datapoints": [{"Timestamp", "Average", "Maximum",
//! "Unit"}, ...]}`, or with `--extended-statistics p95` an `"ExtendedStatistics": {"p95": ...}` per
//! datapoint. GetMetricStatistics takes either statistics or extended statistics, never both, so
//! the seed guide's command is run twice per metric and the files are merged here by timestamp.
//! The output does not name the dimensions; `rightsize` maps files to services by their names.
//!
//! With the dimensions ClusterName and ServiceName every running task reports its own datapoint,
//! so Average, Maximum and p95 are per-task values: CPU units (`CpuUtilized`, unit None) and MiB
//! (`MemoryUtilized`, unit Megabytes).
//! Sources: https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Container-Insights-metrics-ECS.html,
//! https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_GetMetricStatistics.html

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

/// The CLI's output. Fields the CLI may add are ignored.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct CliOutput {
    label: String,
    datapoints: Vec<CliDatapoint>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct CliDatapoint {
    timestamp: String,
    #[serde(default)]
    average: Option<f64>,
    #[serde(default)]
    maximum: Option<f64>,
    #[serde(default)]
    extended_statistics: BTreeMap<String, f64>,
}

/// The two metrics right-sizing reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Metric {
    CpuUtilized,
    MemoryUtilized,
}

impl Metric {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Self::CpuUtilized => "CpuUtilized",
            Self::MemoryUtilized => "MemoryUtilized",
        }
    }

    pub(crate) fn unit(self) -> &'static str {
        match self {
            Self::CpuUtilized => "CPU units",
            Self::MemoryUtilized => "MiB",
        }
    }
}

/// One metrics file, read.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct File {
    pub metric: Metric,
    pub points: Vec<Point>,
}

/// One period of one metric.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub(crate) struct Point {
    /// Seconds since 1970-01-01T00:00:00Z.
    pub time: i64,
    pub average: Option<f64>,
    pub maximum: Option<f64>,
    pub p95: Option<f64>,
}

/// A metrics file that cannot be used.
#[derive(Debug, thiserror::Error)]
#[error("{file}: {message}")]
pub struct MetricsError {
    pub file: String,
    pub message: String,
}

/// The largest metrics or price file read: far more than a year of one-minute datapoints.
pub(crate) const MAX_INPUT_BYTES: u64 = 64 << 20;

/// Reads one file of the CLI's output.
pub(crate) fn read(path: &Path) -> Result<File, MetricsError> {
    let file = path.display().to_string();
    let fail = |message: String| MetricsError {
        file: file.clone(),
        message,
    };
    // Like a stack: a regular file within a size limit, so a FIFO or a device cannot hang it.
    let bytes =
        crate::load::read_regular(path, MAX_INPUT_BYTES).map_err(|e| fail(e.to_string()))?;
    let text = String::from_utf8(bytes).map_err(|_| fail("not UTF-8 text".to_owned()))?;
    parse(&text).map_err(fail)
}

/// Parses the CLI's output.
pub(crate) fn parse(text: &str) -> Result<File, String> {
    let out: CliOutput = serde_json::from_str(text).map_err(|e| {
        format!("not the JSON that `aws cloudwatch get-metric-statistics` prints: {e}")
    })?;
    let metric = match out.label.as_str() {
        "CpuUtilized" => Metric::CpuUtilized,
        "MemoryUtilized" => Metric::MemoryUtilized,
        other => {
            return Err(format!(
                "metric `{other}`; right-sizing reads ECS/ContainerInsights CpuUtilized and MemoryUtilized"
            ))
        }
    };
    let points = out
        .datapoints
        .iter()
        .map(|d| {
            let time = parse_time(&d.timestamp)
                .ok_or_else(|| format!("timestamp {:?} is not an ISO 8601 time", d.timestamp))?;
            Ok(Point {
                time,
                average: d.average,
                maximum: d.maximum,
                p95: d.extended_statistics.get("p95").copied(),
            })
        })
        .collect::<Result<Vec<_>, String>>()?;
    Ok(File { metric, points })
}

/// One metric of one service: every file's datapoints merged by time, in time order (the API
/// does not return them in order).
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct Series {
    pub points: Vec<Point>,
}

impl Series {
    pub(crate) fn merge(files: &[&File]) -> Self {
        let mut by_time: BTreeMap<i64, Point> = BTreeMap::new();
        for p in files.iter().flat_map(|f| &f.points) {
            let e = by_time.entry(p.time).or_insert(Point {
                time: p.time,
                ..Point::default()
            });
            e.average = e.average.or(p.average);
            e.maximum = e.maximum.or(p.maximum);
            e.p95 = e.p95.or(p.p95);
        }
        Self {
            points: by_time.into_values().collect(),
        }
    }

    /// The period: the shortest gap between datapoints.
    pub(crate) fn period(&self) -> Option<i64> {
        self.points
            .windows(2)
            .map(|w| w[1].time - w[0].time)
            .filter(|&d| d > 0)
            .min()
    }

    /// Seconds from the first period's start to the last one's end.
    pub(crate) fn covered(&self) -> i64 {
        match (self.points.first(), self.points.last(), self.period()) {
            (Some(a), Some(b), Some(p)) => b.time - a.time + p,
            _ => 0,
        }
    }

    /// The highest p95 of any period: no period's p95 is above it.
    pub(crate) fn p95(&self) -> Option<f64> {
        self.points.iter().filter_map(|p| p.p95).reduce(f64::max)
    }

    pub(crate) fn maximum(&self) -> Option<f64> {
        self.points
            .iter()
            .filter_map(|p| p.maximum)
            .reduce(f64::max)
    }

    /// The mean of the periods' averages.
    pub(crate) fn average(&self) -> Option<f64> {
        let v: Vec<f64> = self.points.iter().filter_map(|p| p.average).collect();
        (!v.is_empty()).then(|| v.iter().sum::<f64>() / v.len() as f64)
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * ((m + 9) % 12) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// `(year, month, day)` of days since 1970-01-01 (Hinnant's `civil_from_days`).
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// Seconds since the epoch of `2026-11-24T00:00:00+00:00`, `...Z` or `...00.000Z`, as the CLI
/// prints timestamps.
pub(crate) fn parse_time(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() < 19 || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b't' | b' ') {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        let t = s.get(r)?;
        t.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| t.parse().ok())?
    };
    let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (h, mi, se) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if b[13] != b':' || b[16] != b':' || !(1..=12).contains(&mo) || !(1..=31).contains(&d) {
        return None;
    }
    let mut rest = &s[19..];
    if let Some(frac) = rest.strip_prefix('.') {
        let digits = frac.bytes().take_while(u8::is_ascii_digit).count();
        rest = &frac[digits..];
    }
    let offset = match rest {
        "Z" | "z" | "" => 0,
        _ => {
            let sign = match rest.as_bytes().first()? {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            let (oh, om) = rest[1..].split_once(':')?;
            sign * (oh.parse::<i64>().ok()? * 3600 + om.parse::<i64>().ok()? * 60)
        }
    };
    Some(days_from_civil(y, mo, d) * 86_400 + h * 3600 + mi * 60 + se - offset)
}

/// `2026-11-24T00:00Z`.
pub(crate) fn format_time(t: i64) -> String {
    let (y, m, d) = civil_from_days(t.div_euclid(86_400));
    let s = t.rem_euclid(86_400);
    format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}Z", s / 3600, s / 60 % 60)
}

/// `7 days 0 hours`.
pub(crate) fn format_span(seconds: i64) -> String {
    let hours = seconds / 3600;
    format!("{} days {} hours", hours / 24, hours % 24)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_as_the_cli_prints_them() {
        assert_eq!(parse_time("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(parse_time("2026-11-24T00:00:00+00:00"), Some(1_795_478_400));
        assert_eq!(parse_time("2026-11-24T01:00:00+01:00"), Some(1_795_478_400));
        assert_eq!(parse_time("2026-11-24T00:00:00.000Z"), Some(1_795_478_400));
        assert_eq!(parse_time("2024-02-29T12:30:15Z"), Some(1_709_209_815));
        assert_eq!(parse_time("2026-13-01T00:00:00Z"), None);
        assert_eq!(parse_time("yesterday"), None);
        assert_eq!(format_time(1_795_478_400), "2026-11-24T00:00Z");
        assert_eq!(format_time(1_709_209_815), "2024-02-29T12:30Z");
        assert_eq!(format_span(7 * 86_400 + 3 * 3600), "7 days 3 hours");
    }

    #[test]
    fn files_merge_into_one_series() {
        let avg = parse(
            r#"{"Label": "CpuUtilized", "Datapoints": [
                {"Timestamp": "2026-11-24T01:00:00+00:00", "Average": 100.0, "Maximum": 200.0, "Unit": "None"},
                {"Timestamp": "2026-11-24T00:00:00+00:00", "Average": 50.0, "Maximum": 80.0, "Unit": "None"}]}"#,
        )
        .unwrap();
        let p95 = parse(
            r#"{"Label": "CpuUtilized", "Datapoints": [
                {"Timestamp": "2026-11-24T00:00:00+00:00", "ExtendedStatistics": {"p95": 70.0}, "Unit": "None"},
                {"Timestamp": "2026-11-24T01:00:00+00:00", "ExtendedStatistics": {"p95": 150.0}, "Unit": "None"}]}"#,
        )
        .unwrap();
        let s = Series::merge(&[&avg, &p95]);
        assert_eq!(s.points.len(), 2);
        assert_eq!(s.period(), Some(3600));
        assert_eq!(s.covered(), 7200);
        assert_eq!(s.p95(), Some(150.0));
        assert_eq!(s.maximum(), Some(200.0));
        assert_eq!(s.average(), Some(75.0));
        let e = parse(r#"{"Label": "CPUUtilization", "Datapoints": []}"#).unwrap_err();
        assert!(e.starts_with("metric `CPUUtilization`"), "{e}");
    }
}
