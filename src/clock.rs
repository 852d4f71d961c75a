//! The clock, read only by the front ends (the command line, the window, and the card monitor
//! they run): everything below takes "today" as an argument.

use chrono::{NaiveDate, TimeDelta, Utc};

/// Today's date in Japan (JST, UTC+9, no daylight saving time).
pub fn today_jst() -> NaiveDate {
    // JST is a fixed offset, so shifting the UTC instant by nine hours gives the JST date.
    (Utc::now() + TimeDelta::hours(9)).date_naive()
}
