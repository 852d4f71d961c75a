//! Unit tests of the window's set-up: typed dates and remembered settings.

use super::*;

#[test]
fn typed_dates() {
    let d = NaiveDate::from_ymd_opt(2034, 6, 15);
    for s in [
        "2034-06-15",
        "2034/6/15",
        " 2034.6.15 ",
        "2034年6月15日",
        "２０３４年６月１５日",
    ] {
        assert_eq!(parse_typed_date(s), d, "{s}");
    }
    for s in ["", "2034-02-30", "15/6/2034", "令和16年6月15日"] {
        assert_eq!(parse_typed_date(s), None, "{s}");
    }
}

#[test]
fn settings_round_trip_and_defaults() {
    let s = Settings {
        lang: Lang::En,
        counter_mode: true,
        zoom_percent: 130,
    };
    let json = serde_json::to_string(&s).unwrap();
    assert_eq!(serde_json::from_str::<Settings>(&json).unwrap(), s);
    assert_eq!(
        serde_json::from_str::<Settings>("{}").unwrap(),
        Settings::default()
    );
    assert_eq!(Settings::default().lang, Lang::Ja);
    assert_eq!(Settings::default().zoom_percent, 100);
    // Settings stored before the zoom was remembered keep their other choices.
    let old: Settings = serde_json::from_str(r#"{"lang":"en","counter_mode":true}"#).unwrap();
    assert_eq!(
        (old.lang, old.counter_mode, old.zoom_percent),
        (Lang::En, true, 100)
    );
}
