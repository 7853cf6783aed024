//! A literal past the largest 64-bit float is refused where Prometheus refuses it (Go's
//! `ParseFloat` fails with a range error), in a sample's value, a bucket's `le`, a summary's
//! `quantile` and an exemplar's value; the words for infinity stay valid.

use metrics_exposition::parse;

fn refused(text: &str, line: usize, words: &str) {
    let Err(e) = parse(text) else {
        panic!("{text} was accepted");
    };
    assert_eq!(e.line, line, "{text}: {e}");
    assert!(e.message.contains(words), "{text}: {e}");
}

#[test]
fn an_overflowing_literal_is_refused_naming_its_line() {
    refused("a 1\nb 1e309\n", 2, "overflows a 64-bit float");
    refused("a -1e309\n", 1, "overflows a 64-bit float");
    refused("a 1e309 17\n", 1, "`a`");
    refused(
        "# TYPE h histogram\nh_bucket{le=\"1e309\"} 1\nh_bucket{le=\"+Inf\"} 1\nh_sum 1\nh_count 1\n",
        2,
        "`le` value \"1e309\" of `h_bucket` overflows",
    );
    refused(
        "# TYPE s summary\ns{quantile=\"9e999\"} 1\ns_sum 1\ns_count 1\n",
        2,
        "`quantile` value \"9e999\" of `s` overflows",
    );
    refused(
        "# TYPE c counter\nc_total 1 # {trace_id=\"a\"} 1e309\n# EOF\n",
        2,
        "invalid exemplar value \"1e309\": it overflows",
    );
    // Anything else that is no float says so.
    refused("a 12abc\n", 1, "is not a float");
}

#[test]
fn the_words_for_infinity_and_large_finite_values_stay_valid() {
    for text in [
        "a +Inf\nb -Inf\nc Inf\nd NaN\ne 1.7976931348623157e308\nf 1e-400\n",
        "# TYPE h histogram\nh_bucket{le=\"1e308\"} 1\nh_bucket{le=\"+Inf\"} 1\nh_sum 1\nh_count 1\n",
        "# TYPE s summary\ns{quantile=\"0.5\"} 1\ns_sum 1\ns_count 1\n",
        // `le` on what is no bucket is an ordinary label.
        "x{le=\"1e309\"} 1\n",
    ] {
        parse(text).unwrap_or_else(|e| panic!("{text}: {e}"));
    }
}
