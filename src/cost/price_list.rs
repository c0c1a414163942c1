//! `gen-tf prices`: a price file for every region, built from what the AWS Price List prints.
//!
//! gen-tf never calls AWS. The inputs are the output of `aws pricing get-products` (service codes
//! AmazonECS, AmazonVPC and AmazonEC2) or the Price List bulk offer files of the same services.
//! Each input is recognised by its content: `PriceList` (get-products) or `offerCode` and
//! `products` (an offer file). Every product whose usage type is one the price file needs is
//! read, per `regionCode`, with its on-demand price; a region that lacks a number gets `null`
//! for it, which `gen-tf cost` reports instead of guessing. The Spot discount is not in these
//! records and is copied from the built-in file, with its own date.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use serde_json::{json, Map, Value};

use super::prices::EMBEDDED;

/// A number of the price file, found under usage types ending in `suffix`.
struct Field {
    /// The usage type without its region prefix (`USE1-`, `EUC1-`; us-east-1 may have none).
    suffix: &'static str,
    /// Where the number goes: a path into the region's object.
    path: &'static [&'static str],
}

/// The usage types the price file reads, in the order the README lists them.
const FIELDS: &[Field] = &[
    Field {
        suffix: "Fargate-vCPU-Hours:perCPU",
        path: &["fargate", "linux_x86_64", "vcpu_hour"],
    },
    Field {
        suffix: "Fargate-GB-Hours",
        path: &["fargate", "linux_x86_64", "gb_hour"],
    },
    Field {
        suffix: "Fargate-ARM-vCPU-Hours:perCPU",
        path: &["fargate", "linux_arm64", "vcpu_hour"],
    },
    Field {
        suffix: "Fargate-ARM-GB-Hours",
        path: &["fargate", "linux_arm64", "gb_hour"],
    },
    Field {
        suffix: "Fargate-Windows-vCPU-Hours:perCPU",
        path: &["fargate", "windows_x86_64", "vcpu_hour"],
    },
    Field {
        suffix: "Fargate-Windows-GB-Hours",
        path: &["fargate", "windows_x86_64", "gb_hour"],
    },
    Field {
        suffix: "Fargate-Windows-OS-Hours:perCPU",
        path: &["fargate", "windows_x86_64", "os_license_vcpu_hour"],
    },
    Field {
        suffix: "Fargate-EphemeralStorage-GB-Hours",
        path: &["fargate", "ephemeral_storage_gb_hour"],
    },
    Field {
        suffix: "VpcEndpoint-Hours",
        path: &["interface_endpoint_az_hour"],
    },
    Field {
        suffix: "NatGateway-Hours",
        path: &["nat_gateway_hour"],
    },
];

/// What went wrong reading the inputs; the message names the file and the record.
#[derive(Debug, thiserror::Error)]
#[error("{file}: {message}")]
pub struct PriceListError {
    pub file: String,
    pub message: String,
}

/// One price seen: its value as published, and where it came from.
#[derive(Debug, Clone, PartialEq)]
struct Seen {
    price: String,
    usage_type: String,
    sku: String,
    file: String,
}

/// Everything read from the inputs.
#[derive(Debug, Default)]
pub(crate) struct PriceList {
    /// region -> field index -> the price.
    seen: BTreeMap<String, BTreeMap<usize, Seen>>,
    /// The latest `publicationDate` (its date part) across the inputs.
    date: Option<String>,
    /// The offers read (`AmazonECS`, ...), for `source`.
    offers: Vec<String>,
    /// Products that matched a usage type but were skipped (no `regionCode`, a Local Zone).
    pub skipped: usize,
}

impl PriceList {
    /// Reads one input file into the list.
    pub(crate) fn read(&mut self, path: &Path) -> Result<(), PriceListError> {
        let file = path.display().to_string();
        let fail = |message: String| PriceListError {
            file: file.clone(),
            message,
        };
        let text = std::fs::read_to_string(path).map_err(|e| fail(format!("cannot read: {e}")))?;
        let doc: Value = serde_json::from_str(&text).map_err(|e| {
            fail(format!(
                "not JSON ({e}); give the output of `aws pricing get-products` or a Price List \
                 offer file"
            ))
        })?;
        self.add(&doc, &file)
    }

    /// Adds one parsed input; `file` names it in messages and evidence.
    pub(crate) fn add(&mut self, doc: &Value, file: &str) -> Result<(), PriceListError> {
        let fail = |message: String| PriceListError {
            file: file.to_owned(),
            message,
        };
        if let Some(list) = doc.get("PriceList").and_then(Value::as_array) {
            for (i, item) in list.iter().enumerate() {
                // The AWS CLI prints each record as a JSON string; accept objects too.
                let record = match item {
                    Value::String(s) => serde_json::from_str::<Value>(s)
                        .map_err(|e| fail(format!("PriceList[{i}] is not a JSON record: {e}")))?,
                    Value::Object(_) => item.clone(),
                    _ => {
                        return Err(fail(format!(
                            "PriceList[{i}] is neither a string nor an object"
                        )))
                    }
                };
                let product = record
                    .get("product")
                    .ok_or_else(|| fail(format!("PriceList[{i}] has no `product`")))?;
                let sku = product.get("sku").and_then(Value::as_str).unwrap_or("");
                let on_demand = record.pointer("/terms/OnDemand").unwrap_or(&Value::Null);
                self.date(record.get("publicationDate"));
                self.offer(record.get("serviceCode"));
                self.product(product, on_demand, file)
                    .map_err(|m| fail(format!("PriceList[{i}] (SKU {sku}): {m}")))?;
            }
            return Ok(());
        }
        if let (Some(products), Some(_)) = (
            doc.get("products").and_then(Value::as_object),
            doc.get("offerCode"),
        ) {
            self.date(doc.get("publicationDate"));
            self.offer(doc.get("offerCode"));
            for (sku, product) in products {
                let on_demand = doc
                    .pointer(&format!("/terms/OnDemand/{sku}"))
                    .unwrap_or(&Value::Null);
                self.product(product, on_demand, file)
                    .map_err(|m| fail(format!("products.{sku}: {m}")))?;
            }
            return Ok(());
        }
        Err(fail(
            "neither `aws pricing get-products` output (a `PriceList` array) nor a Price List \
             offer file (`offerCode` and `products`)"
                .into(),
        ))
    }

    fn date(&mut self, published: Option<&Value>) {
        if let Some(d) = published.and_then(Value::as_str).and_then(|d| d.get(..10)) {
            if self.date.as_deref().is_none_or(|old| old < d) {
                self.date = Some(d.to_owned());
            }
        }
    }

    fn offer(&mut self, code: Option<&Value>) {
        if let Some(c) = code.and_then(Value::as_str) {
            if !self.offers.iter().any(|o| o == c) {
                self.offers.push(c.to_owned());
            }
        }
    }

    /// Reads one product and its on-demand terms (`{ offerTermCode: { priceDimensions } }`;
    /// the offer file keys them by the SKU, the get-products record does too).
    fn product(&mut self, product: &Value, on_demand: &Value, file: &str) -> Result<(), String> {
        let attrs = product.get("attributes").unwrap_or(&Value::Null);
        let Some(usage_type) = attrs.get("usagetype").and_then(Value::as_str) else {
            return Ok(());
        };
        let Some(field) = field_of(usage_type) else {
            return Ok(());
        };
        let location_type = attrs.get("locationType").and_then(Value::as_str);
        let region = attrs.get("regionCode").and_then(Value::as_str);
        let (Some(region), None | Some("AWS Region")) = (region, location_type) else {
            self.skipped += 1;
            return Ok(());
        };
        let sku = product.get("sku").and_then(Value::as_str).unwrap_or("");
        // get-products nests the terms under the SKU as well; the offer file is already there.
        let terms = on_demand.get(sku).unwrap_or(on_demand);
        let price = hourly_price(terms).map_err(|m| format!("{usage_type}: {m}"))?;
        let Some(price) = price else {
            return Ok(());
        };
        let seen = Seen {
            price,
            usage_type: usage_type.to_owned(),
            sku: sku.to_owned(),
            file: file.to_owned(),
        };
        let slot = self.seen.entry(region.to_owned()).or_default();
        match slot.get(&field) {
            Some(old) if old.price != seen.price => Err(format!(
                "{region} has two prices for {usage_type}: {} (SKU {}, {}) and {} (SKU {}); \
                 give one Price List publication at a time",
                old.price, old.sku, old.file, seen.price, seen.sku
            )),
            Some(_) => Ok(()),
            None => {
                slot.insert(field, seen);
                Ok(())
            }
        }
    }

    /// The regions read, and the numbers each lacks, by price-file name.
    pub(crate) fn gaps(&self) -> BTreeMap<&str, Vec<String>> {
        self.seen
            .iter()
            .map(|(region, got)| {
                let missing = (0..FIELDS.len())
                    .filter(|i| !got.contains_key(i))
                    .map(|i| FIELDS[i].path.join("."))
                    .collect();
                (region.as_str(), missing)
            })
            .collect()
    }

    /// The price file, in the built-in file's shape. `None` when no price was found at all.
    pub(crate) fn to_price_file(&self) -> Option<Value> {
        if self.seen.is_empty() {
            return None;
        }
        let builtin: Value = serde_json::from_str(EMBEDDED).unwrap_or(Value::Null);
        let mut regions = Map::new();
        for (region, got) in &self.seen {
            let mut r = json!({
                "fargate": {
                    "linux_x86_64": null,
                    "linux_arm64": null,
                    "windows_x86_64": null,
                    "ephemeral_storage_gb_hour": null,
                },
                "interface_endpoint_az_hour": null,
                "nat_gateway_hour": null,
                "evidence": {},
            });
            for (i, seen) in got {
                let Ok(number) = seen.price.parse::<serde_json::Number>() else {
                    continue;
                };
                set(&mut r, FIELDS[*i].path, Value::Number(number));
                let key = FIELDS[*i].path.join(".");
                r["evidence"][key] = Value::String(format!(
                    "{} {} (SKU {}, {})",
                    seen.usage_type, seen.price, seen.sku, seen.file
                ));
            }
            // A rate pair with a missing half is no rate: `null` it, so cost names it.
            for os in ["linux_x86_64", "linux_arm64", "windows_x86_64"] {
                let rates = &r["fargate"][os];
                if rates.is_object()
                    && (rates.get("vcpu_hour").is_none() || rates.get("gb_hour").is_none())
                {
                    r["fargate"][os] = Value::Null;
                }
            }
            regions.insert(region.clone(), r);
        }
        let date = self.date.clone().unwrap_or_else(|| "unknown".into());
        let mut offers = self.offers.clone();
        offers.sort();
        Some(json!({
            "format": 1,
            "currency": "USD",
            "date": date,
            "source": offers
                .iter()
                .map(|o| format!("AWS Price List, offer {o}, published {date}"))
                .collect::<Vec<_>>(),
            "notes": [
                "Written by `gen-tf prices` from AWS Price List records: on-demand prices as \
                 published, per regionCode; `evidence` names the usage type, SKU and input file \
                 of each number.",
                "A null price was not in the input; `gen-tf cost` names what needs it instead \
                 of guessing.",
                "The Spot discount is not in these records: it is the built-in file's, with its \
                 own date."
            ],
            "spot": builtin.get("spot").cloned().unwrap_or(Value::Null),
            "regions": regions,
        }))
    }

    /// A one-line-per-region summary for stderr.
    pub(crate) fn summary(&self) -> String {
        let gaps = self.gaps();
        let mut offers = self.offers.clone();
        offers.sort();
        let mut s = format!(
            "gen-tf: {} region(s) priced from {}\n",
            gaps.len(),
            if offers.is_empty() {
                "the Price List".to_owned()
            } else {
                offers.join(", ")
            }
        );
        for (region, missing) in &gaps {
            if !missing.is_empty() {
                let _ = writeln!(s, "  {region}: no {}", missing.join(", "));
            }
        }
        if self.skipped > 0 {
            let _ = writeln!(
                s,
                "  {} record(s) outside a Region (Local Zones, Wavelength) were left out",
                self.skipped
            );
        }
        s
    }
}

/// The field a usage type gives, if any: the usage type is the suffix itself (us-east-1's old
/// form) or `<PREFIX>-<suffix>` with an upper-case location prefix such as `EUC1` (or
/// `USE1-BOS1` for a Local Zone, which the caller then leaves out by its `locationType`).
fn field_of(usage_type: &str) -> Option<usize> {
    FIELDS.iter().position(|f| {
        usage_type == f.suffix
            || usage_type.strip_suffix(f.suffix).is_some_and(|p| {
                p.strip_suffix('-').is_some_and(|p| {
                    p.split('-').all(|part| {
                        !part.is_empty()
                            && part
                                .bytes()
                                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
                    })
                })
            })
    })
}

/// The hourly price of an on-demand term set: the dimension that starts at 0. `None` when the
/// product has no on-demand term.
fn hourly_price(terms: &Value) -> Result<Option<String>, String> {
    let mut found: Option<String> = None;
    let Some(terms) = terms.as_object() else {
        return Ok(None);
    };
    for term in terms.values() {
        let Some(dims) = term.get("priceDimensions").and_then(Value::as_object) else {
            continue;
        };
        for dim in dims.values() {
            let begin = dim.get("beginRange").and_then(Value::as_str).unwrap_or("0");
            if begin != "0" {
                continue;
            }
            let Some(usd) = dim.pointer("/pricePerUnit/USD").and_then(Value::as_str) else {
                return Err("a price dimension without pricePerUnit.USD".into());
            };
            let usd = canonical(usd).ok_or_else(|| format!("price {usd:?} is not a number"))?;
            match &found {
                Some(old) if *old != usd => {
                    return Err(format!("two on-demand prices, {old} and {usd}"));
                }
                _ => found = Some(usd),
            }
        }
    }
    Ok(found)
}

/// `0.0404800000` -> `0.04048`: the published decimal without trailing zeros, or `None` for
/// anything that is not a plain non-negative decimal.
fn canonical(price: &str) -> Option<String> {
    let (int, frac) = price.split_once('.').unwrap_or((price, ""));
    if int.is_empty()
        || !int.bytes().all(|b| b.is_ascii_digit())
        || !frac.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let frac = frac.trim_end_matches('0');
    Some(if frac.is_empty() {
        int.to_owned()
    } else {
        format!("{int}.{frac}")
    })
}

fn set(root: &mut Value, path: &[&str], value: Value) {
    let mut at = root;
    for (i, key) in path.iter().enumerate() {
        if i + 1 == path.len() {
            at[*key] = value;
            return;
        }
        if !at[*key].is_object() {
            at[*key] = json!({});
        }
        at = &mut at[*key];
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usage_types_with_and_without_a_region_prefix() {
        assert_eq!(field_of("Fargate-GB-Hours"), Some(1));
        assert_eq!(field_of("EUC1-Fargate-GB-Hours"), Some(1));
        assert_eq!(field_of("USE1-Fargate-ARM-GB-Hours"), Some(3));
        assert_eq!(field_of("EUC1-Fargate-ARM-GB-Hours"), Some(3));
        assert_eq!(field_of("USE1-SpotUsage-Fargate-GB-Hours"), None);
        assert_eq!(field_of("eu-Fargate-GB-Hours"), None);
        assert_eq!(field_of("USE1-BOS1-Fargate-GB-Hours"), Some(1));
        assert_eq!(field_of("APS2-VpcEndpoint-Hours"), Some(8));
        assert_eq!(field_of("APS2-VpcEndpoint-Bytes"), None);
    }

    #[test]
    fn prices_are_kept_as_published() {
        assert_eq!(canonical("0.0404800000").as_deref(), Some("0.04048"));
        assert_eq!(canonical("0.0450000000").as_deref(), Some("0.045"));
        assert_eq!(canonical("1.0000").as_deref(), Some("1"));
        assert_eq!(canonical("-1"), None);
        assert_eq!(canonical("1e-3"), None);
    }
}
