//! Exact money. Every estimate is a sum of products of prices with up to ten decimals, CPU units
//! and MiB (which are divided by 1024) and the Spot discount, so it is kept as an integer of a
//! unit small enough that none of those steps rounds: the README's arithmetic by hand and
//! `gen-tf cost` then agree to the cent, and the only rounding is the last one, to cents, half
//! away from zero.

use std::fmt;
use std::iter::Sum;
use std::ops::{Add, Neg, Sub};

/// Decimals a price may have (`0.00511175` has 8).
pub(crate) const PRICE_DECIMALS: u32 = 10;
/// A price of one dollar, in [`Rate`] units.
pub(crate) const RATE_SCALE: i128 = 10_i128.pow(PRICE_DECIMALS);
/// Decimals of a discount (`0.7` has 1).
pub(crate) const DISCOUNT_DECIMALS: u32 = 4;
/// A whole (100%) discount, in [`Discount`] units.
pub(crate) const DISCOUNT_SCALE: i128 = 10_i128.pow(DISCOUNT_DECIMALS);
/// CPU units in a vCPU and MiB in a GB: Fargate bills `cpu / 1024` vCPU and `memory / 1024` GB.
pub(crate) const PER_VCPU: i128 = 1024;
/// One dollar in [`Money`] units: a price, times CPU units or MiB over 1024, times a discount
/// factor, is a whole number of these.
pub(crate) const UNITS_PER_DOLLAR: i128 = RATE_SCALE * PER_VCPU * DISCOUNT_SCALE;
const UNITS_PER_CENT: i128 = UNITS_PER_DOLLAR / 100;

/// A price per hour (or per GB-hour, per vCPU-hour...), exactly as the price file writes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub(crate) struct Rate(i128);

/// A fraction of a price, such as the Spot discount (`0.7` is 70% off).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub(crate) struct Discount(i128);

/// An exact amount of dollars.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub(crate) struct Money(i128);

/// A number the price file cannot hold exactly.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum DecimalError {
    #[error("{0} is negative")]
    Negative(String),
    #[error("{0} has more than {1} decimals")]
    TooPrecise(String, u32),
    #[error("{0} is not a plain decimal number")]
    NotDecimal(String),
    #[error("{0} is more than 1 (100%)")]
    AboveOne(String),
}

/// `text` (a decimal such as `0.004445`) as an integer count of `10^-decimals`.
fn scaled(text: &str, decimals: u32) -> Result<i128, DecimalError> {
    if text.starts_with('-') {
        return Err(DecimalError::Negative(text.to_owned()));
    }
    let (whole, frac) = text.split_once('.').unwrap_or((text, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() || !digits(whole) || !digits(frac) || whole.len() > 12 {
        return Err(DecimalError::NotDecimal(text.to_owned()));
    }
    let frac = frac.trim_end_matches('0');
    if frac.len() > decimals as usize {
        return Err(DecimalError::TooPrecise(text.to_owned(), decimals));
    }
    let parse = |s: &str| s.parse::<i128>().unwrap_or(0);
    let pad = decimals - frac.len() as u32;
    Ok(parse(whole) * 10_i128.pow(decimals) + parse(frac) * 10_i128.pow(pad))
}

/// A JSON number as the decimal text it was written as. serde_json reads numbers into the
/// nearest `f64`, and Rust prints an `f64` as the shortest text that reads back to it, which for
/// a price of ten decimals or fewer is the text of the file.
fn decimal_text(n: f64) -> String {
    format!("{n}")
}

impl Rate {
    pub(crate) fn from_f64(n: f64) -> Result<Self, DecimalError> {
        scaled(&decimal_text(n), PRICE_DECIMALS).map(Self)
    }

    /// Test-only: the unit tests write rates as the price file does.
    #[cfg(test)]
    pub(crate) fn parse(text: &str) -> Result<Self, DecimalError> {
        scaled(text, PRICE_DECIMALS).map(Self)
    }

    /// What `amount / 1024` of this rate costs per hour: `cpu` CPU units at a vCPU-hour rate, or
    /// `memory` MiB at a GB-hour rate.
    pub(crate) fn per_1024(self, amount: u32) -> Money {
        Money(self.0 * i128::from(amount) * DISCOUNT_SCALE)
    }

    /// What `count` whole units (GB, endpoint-AZs) cost per hour.
    pub(crate) fn times(self, count: u32) -> Money {
        Money(self.0 * i128::from(count) * PER_VCPU * DISCOUNT_SCALE)
    }
}

impl Discount {
    pub(crate) fn from_f64(n: f64) -> Result<Self, DecimalError> {
        let text = decimal_text(n);
        let d = scaled(&text, DISCOUNT_DECIMALS)?;
        if d > DISCOUNT_SCALE {
            return Err(DecimalError::AboveOne(text));
        }
        Ok(Self(d))
    }

    pub(crate) fn to_f64(self) -> f64 {
        self.0 as f64 / DISCOUNT_SCALE as f64
    }

    /// `amount` with the discount taken off. Exact: every [`Money`] from a [`Rate`] is a
    /// multiple of [`DISCOUNT_SCALE`].
    pub(crate) fn apply(self, amount: Money) -> Money {
        Money(amount.0 / DISCOUNT_SCALE * (DISCOUNT_SCALE - self.0))
    }
}

impl Money {
    pub(crate) const ZERO: Self = Self(0);

    /// `self` times a count (tasks, hours).
    pub(crate) fn times(self, n: i128) -> Self {
        Self(self.0 * n)
    }

    /// Whole cents, rounded half away from zero.
    pub(crate) fn cents(self) -> i128 {
        let half = UNITS_PER_CENT / 2;
        if self.0 >= 0 {
            (self.0 + half) / UNITS_PER_CENT
        } else {
            -((-self.0 + half) / UNITS_PER_CENT)
        }
    }

    /// An amount of whole cents.
    pub(crate) fn from_cents(cents: i128) -> Self {
        Self(cents * UNITS_PER_CENT)
    }

    /// The amount as it is shown: rounded to the cent.
    pub(crate) fn rounded(self) -> Self {
        Self::from_cents(self.cents())
    }

    /// Rounded to cents, as a JSON number (`157.15`).
    pub(crate) fn to_f64(self) -> f64 {
        self.cents() as f64 / 100.0
    }

    /// `self / of`, for shares and savings; 0 when `of` is 0.
    pub(crate) fn ratio(self, of: Self) -> f64 {
        if of.0 == 0 {
            0.0
        } else {
            self.0 as f64 / of.0 as f64
        }
    }

    /// The exact units, for comparisons that must not round (`a * x == b * y`; test-only).
    #[cfg(test)]
    pub(crate) fn units(self) -> i128 {
        self.0
    }

    /// The amount with a sign, `+$5.22` or `-$5.22`, for deltas.
    pub(crate) fn signed(self) -> String {
        match self.cents() {
            0 => "$0.00".to_owned(),
            c if c > 0 => format!("+{self}"),
            _ => format!("-{}", -self),
        }
    }
}

impl fmt::Display for Money {
    /// `$1234.56`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let c = self.cents();
        let sign = if c < 0 { "-" } else { "" };
        let text = format!("{sign}${}.{:02}", c.abs() / 100, c.abs() % 100);
        f.pad(&text)
    }
}

impl Add for Money {
    type Output = Self;
    fn add(self, o: Self) -> Self {
        Self(self.0 + o.0)
    }
}

impl Sub for Money {
    type Output = Self;
    fn sub(self, o: Self) -> Self {
        Self(self.0 - o.0)
    }
}

impl Neg for Money {
    type Output = Self;
    fn neg(self) -> Self {
        Self(-self.0)
    }
}

impl Sum for Money {
    fn sum<I: Iterator<Item = Self>>(iter: I) -> Self {
        iter.fold(Self::ZERO, Add::add)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prices_are_read_exactly() {
        assert_eq!(Rate::from_f64(0.004445).unwrap(), Rate(44_450_000));
        assert_eq!(Rate::from_f64(0.00511175).unwrap(), Rate(51_117_500));
        assert_eq!(Rate::parse("1").unwrap(), Rate(RATE_SCALE));
        assert!(matches!(
            Rate::parse("0.00000000001"),
            Err(DecimalError::TooPrecise(..))
        ));
        assert!(matches!(
            Rate::from_f64(-0.1),
            Err(DecimalError::Negative(_))
        ));
        assert!(matches!(
            Rate::parse("1e-3"),
            Err(DecimalError::NotDecimal(_))
        ));
        assert!(matches!(
            Discount::from_f64(1.5),
            Err(DecimalError::AboveOne(_))
        ));
    }

    #[test]
    fn the_seed_guide_task_to_the_cent() {
        // 0.5 vCPU x $0.03238 + 1 GB x $0.00356 = $0.01975 an hour, $14.4175 a month.
        let hour = Rate::parse("0.03238").unwrap().per_1024(512)
            + Rate::parse("0.00356").unwrap().per_1024(1024);
        let month = hour.times(730);
        assert_eq!(month.times(10_000).cents(), 14_417_500);
        // With 70% off: $4.32525 a month, exactly.
        let spot = Discount::from_f64(0.7).unwrap().apply(month);
        assert_eq!(spot.times(100_000).cents(), 43_252_500);
        // Half a cent rounds away from zero.
        assert_eq!(month.times(2).to_string(), "$28.84");
        assert_eq!((-month.times(2)).to_string(), "-$28.84");
        assert_eq!(month.times(2).signed(), "+$28.84");
        assert_eq!(Money::ZERO.signed(), "$0.00");
    }
}
