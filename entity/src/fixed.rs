//! Exact fixed-point storage of figures: an `i64` count of 1/10000 of the printed unit.
//!
//! SQLite has no exact decimal type, so amounts are stored as integers. For 万元 one
//! storage unit is one yuan; for percents it is 1/10000 of a percent.

use rust_decimal::Decimal;

/// Decimal places kept in storage.
pub const SCALE: u32 = 4;

/// Converts a printed figure to storage units; `None` if it has more than four decimal
/// places or does not fit.
pub fn to_units(value: Decimal) -> Option<i64> {
    let normalized = value.normalize();
    if normalized.scale() > SCALE {
        return None;
    }
    let scaled = normalized.checked_mul(Decimal::from(10_000))?;
    i64::try_from(scaled).ok()
}

/// Converts storage units back to the printed figure (trailing zeros removed: `16.5`, `8247.97`).
pub fn from_units(units: i64) -> Decimal {
    Decimal::new(units, SCALE).normalize()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[test]
    fn round_trips_printed_figures() {
        for text in ["0", "16.5", "8247.97", "-1.5", "29760", "-55.5", "0.0001"] {
            let value = Decimal::from_str(text).unwrap();
            assert_eq!(from_units(to_units(value).unwrap()).to_string(), text);
        }
    }

    #[test]
    fn refuses_more_than_four_places() {
        assert_eq!(to_units(Decimal::from_str("1.00001").unwrap()), None);
        assert_eq!(
            to_units(Decimal::from_str("1.10000").unwrap()),
            Some(11_000)
        );
    }
}
