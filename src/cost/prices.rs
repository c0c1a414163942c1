//! The price file: per-region Fargate, PrivateLink and NAT gateway prices with their date and
//! sources, and the Spot discount with its own date, because Spot prices move.
//!
//! `prices/aws.json` is built in; `--prices FILE` (or the project's `[cost] prices`) reads a file
//! of the same shape. A price may be `null` where it could not be confirmed: estimating then stops
//! at what needs it and names it, instead of guessing.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use super::money::{DecimalError, Discount, Rate};
use crate::model::service::{CpuArchitecture, OperatingSystemFamily};

/// The built-in price file.
pub(crate) const EMBEDDED: &str = include_str!("../../prices/aws.json");
/// What reports call the built-in file.
pub(crate) const EMBEDDED_LABEL: &str = "prices/aws.json (built in)";
/// The region of stacks that name none, unless `--region` or the project says otherwise.
pub(crate) const DEFAULT_REGION: &str = "us-east-1";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    format: u32,
    currency: String,
    date: String,
    source: Vec<String>,
    #[serde(default)]
    #[allow(dead_code)]
    notes: Vec<String>,
    spot: RawSpot,
    regions: BTreeMap<String, RawRegion>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSpot {
    discount: f64,
    date: String,
    source: String,
    #[serde(default)]
    #[allow(dead_code)]
    note: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRegion {
    fargate: RawFargate,
    interface_endpoint_az_hour: Option<f64>,
    nat_gateway_hour: Option<f64>,
    #[serde(default)]
    #[allow(dead_code)]
    evidence: BTreeMap<String, String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFargate {
    linux_x86_64: Option<RawRates>,
    linux_arm64: Option<RawRates>,
    windows_x86_64: Option<RawRates>,
    ephemeral_storage_gb_hour: Option<f64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRates {
    vcpu_hour: f64,
    gb_hour: f64,
    /// Windows only: the OS license, per vCPU-hour, on top.
    #[serde(default)]
    os_license_vcpu_hour: Option<f64>,
}

/// A loaded price file.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Prices {
    /// Where the prices come from, for reports: a path, or [`EMBEDDED_LABEL`].
    pub label: String,
    pub currency: String,
    pub date: String,
    pub source: Vec<String>,
    pub spot: Spot,
    regions: BTreeMap<String, RegionPrices>,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Spot {
    pub discount: Discount,
    pub date: String,
    pub source: String,
}

/// One region's prices; `None` where the file has no confirmed price.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct RegionPrices {
    linux_x86_64: Option<TaskRates>,
    linux_arm64: Option<TaskRates>,
    windows_x86_64: Option<TaskRates>,
    pub ephemeral_storage_gb_hour: Option<Rate>,
    pub interface_endpoint_az_hour: Option<Rate>,
    pub nat_gateway_hour: Option<Rate>,
}

/// What a Fargate task pays per hour for its size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct TaskRates {
    pub vcpu_hour: Rate,
    pub gb_hour: Rate,
    /// The Windows Server license, per vCPU-hour; zero for Linux.
    pub os_license_vcpu_hour: Rate,
}

impl RegionPrices {
    /// The Fargate rates for a platform. Windows runs on X86_64 only (`windows-arm64`).
    pub(crate) fn fargate(
        &self,
        os: OperatingSystemFamily,
        arch: CpuArchitecture,
    ) -> Option<TaskRates> {
        match (os.is_windows(), arch) {
            (true, _) => self.windows_x86_64,
            (false, CpuArchitecture::X86_64) => self.linux_x86_64,
            (false, CpuArchitecture::Arm64) => self.linux_arm64,
        }
    }
}

/// A price file that cannot be used.
#[derive(Debug, thiserror::Error)]
#[error("{label}: {message}")]
pub struct PriceError {
    pub label: String,
    pub message: String,
}

impl Prices {
    /// The built-in `prices/aws.json`.
    pub(crate) fn embedded() -> Self {
        Self::parse(EMBEDDED, EMBEDDED_LABEL).expect("the built-in price file is valid")
    }

    pub(crate) fn load(path: &Path) -> Result<Self, PriceError> {
        let label = path.display().to_string();
        // Like a stack: a regular file within a size limit, so a FIFO or a device cannot hang it.
        let fail = |message: String| PriceError {
            label: label.clone(),
            message,
        };
        let bytes = crate::load::read_regular(path, super::metrics::MAX_INPUT_BYTES)
            .map_err(|e| fail(e.to_string()))?;
        let text = String::from_utf8(bytes).map_err(|_| fail("not UTF-8 text".to_owned()))?;
        Self::parse(&text, &label)
    }

    pub(crate) fn parse(text: &str, label: &str) -> Result<Self, PriceError> {
        let fail = |message: String| PriceError {
            label: label.to_owned(),
            message,
        };
        let de = &mut serde_json::Deserializer::from_str(text);
        let raw: RawFile = serde_path_to_error::deserialize(de)
            .map_err(|e| fail(format!("{} (at `{}`)", e.inner(), e.path())))?;
        if raw.format != 1 {
            return Err(fail(format!(
                "format {} is not one this gen-tf reads (1)",
                raw.format
            )));
        }
        for (what, date) in [("date", &raw.date), ("spot.date", &raw.spot.date)] {
            if !is_date(date) {
                return Err(fail(format!("{what} {date:?} is not a YYYY-MM-DD date")));
            }
        }
        if raw.regions.is_empty() {
            return Err(fail("no regions".to_owned()));
        }
        let at = |path: String| move |e: DecimalError| fail(format!("{path}: {e}"));
        let discount = Discount::from_f64(raw.spot.discount).map_err(at("spot.discount".into()))?;
        let mut regions = BTreeMap::new();
        for (name, r) in raw.regions {
            let region =
                region(&r).map_err(|(path, e)| fail(format!("regions.{name}.{path}: {e}")))?;
            regions.insert(name, region);
        }
        Ok(Self {
            label: label.to_owned(),
            currency: raw.currency,
            date: raw.date,
            source: raw.source,
            spot: Spot {
                discount,
                date: raw.spot.date,
                source: raw.spot.source,
            },
            regions,
        })
    }

    /// The prices of `region`, if the file has the region.
    pub(crate) fn region(&self, region: &str) -> Option<&RegionPrices> {
        self.regions.get(region)
    }

    /// The regions the file prices, in name order.
    pub(crate) fn regions(&self) -> impl Iterator<Item = &str> {
        self.regions.keys().map(String::as_str)
    }
}

type Bad = (String, DecimalError);

fn region(r: &RawRegion) -> Result<RegionPrices, Bad> {
    let f = &r.fargate;
    Ok(RegionPrices {
        linux_x86_64: rates(&f.linux_x86_64, "fargate.linux_x86_64")?,
        linux_arm64: rates(&f.linux_arm64, "fargate.linux_arm64")?,
        windows_x86_64: rates(&f.windows_x86_64, "fargate.windows_x86_64")?,
        ephemeral_storage_gb_hour: rate(
            f.ephemeral_storage_gb_hour,
            "fargate.ephemeral_storage_gb_hour",
        )?,
        interface_endpoint_az_hour: rate(
            r.interface_endpoint_az_hour,
            "interface_endpoint_az_hour",
        )?,
        nat_gateway_hour: rate(r.nat_gateway_hour, "nat_gateway_hour")?,
    })
}

fn rate(n: Option<f64>, path: &str) -> Result<Option<Rate>, Bad> {
    n.map(|n| Rate::from_f64(n).map_err(|e| (path.to_owned(), e)))
        .transpose()
}

fn rates(raw: &Option<RawRates>, path: &str) -> Result<Option<TaskRates>, Bad> {
    let Some(raw) = raw else { return Ok(None) };
    Ok(Some(TaskRates {
        vcpu_hour: rate(Some(raw.vcpu_hour), &format!("{path}.vcpu_hour"))?.unwrap_or_default(),
        gb_hour: rate(Some(raw.gb_hour), &format!("{path}.gb_hour"))?.unwrap_or_default(),
        os_license_vcpu_hour: rate(
            raw.os_license_vcpu_hour,
            &format!("{path}.os_license_vcpu_hour"),
        )?
        .unwrap_or_default(),
    }))
}

fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_built_in_file_prices_the_examples_regions() {
        let p = Prices::embedded();
        assert_eq!(p.currency, "USD");
        assert_eq!(p.spot.discount, Discount::from_f64(0.7).unwrap());
        for region in ["us-east-1", "eu-west-1", "eu-central-1"] {
            let r = p.region(region).expect(region);
            assert!(r
                .fargate(OperatingSystemFamily::Linux, CpuArchitecture::X86_64)
                .is_some());
            assert!(r.interface_endpoint_az_hour.is_some());
            assert!(r.nat_gateway_hour.is_some());
        }
        let windows = p
            .region("us-east-1")
            .unwrap()
            .fargate(
                OperatingSystemFamily::WindowsServer2022Core,
                CpuArchitecture::X86_64,
            )
            .unwrap();
        assert_eq!(windows.os_license_vcpu_hour, Rate::parse("0.046").unwrap());
    }

    #[test]
    fn a_bad_file_says_where() {
        let bad = EMBEDDED.replace("\"gb_hour\": 0.004445", "\"gb_hour\": -1");
        let e = Prices::parse(&bad, "mine.json").unwrap_err();
        assert_eq!(
            e.to_string(),
            "mine.json: regions.eu-west-1.fargate.linux_x86_64.gb_hour: -1 is negative"
        );
        let e = Prices::parse("{\"format\": 1, \"currency\": \"USD\"}", "x.json").unwrap_err();
        assert!(
            e.to_string().starts_with("x.json: missing field `date`"),
            "{e}"
        );
        let typo = EMBEDDED.replace("\"nat_gateway_hour\": 0.045", "\"nat_hour\": 0.045");
        let e = Prices::parse(&typo, "t.json").unwrap_err();
        assert!(e.to_string().contains("unknown field `nat_hour`"), "{e}");
    }
}
