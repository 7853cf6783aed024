//! The checker's exposition parser on 100,000 hostile inputs, and on the fuzz corpus: it
//! returns a result (a parse or an error with a line) and never panics; what it parsed reads
//! back consistently (labels, timestamps), and its messages quote at most an excerpt of the
//! input, however long the input.

use metrics_exposition as exposition;

/// xorshift64*: a fixed sequence, so a failure reproduces.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const SEED: &str = "# HELP a_total Requests, with \\\\ and \\n.\n# TYPE a_total counter\na_total{method=\"get\",path_template=\"/v1/{id}\"} 3 1700000000000\na_total{method=\"post\",path_template=\"unmatched\",} 1e3\n# TYPE h histogram\nh_bucket{le=\"0.5\"} 1\nh_bucket{le=\"+Inf\"} 2\nh_sum NaN\nh_count 2\n# TYPE g gauge\ng -Inf\n";

const ALPHABET: &[&str] = &[
    "{",
    "}",
    "\"",
    "\\",
    "\\\\",
    "\\n",
    "\\\"",
    ",",
    "=",
    " ",
    "\t",
    "\n",
    "\r",
    "#",
    "# HELP ",
    "# TYPE ",
    "counter",
    "histogram",
    "_bucket",
    "_sum",
    "_count",
    "le",
    "+Inf",
    "-Inf",
    "NaN",
    "1e308",
    "1e999",
    "-0",
    "0x1",
    "é",
    "\u{0}",
    "\u{10FFFF}",
    "a",
    "9",
];

fn mutate(rng: &mut Rng, base: &str) -> String {
    let mut s: Vec<char> = base.chars().collect();
    for _ in 0..=rng.below(6) {
        let at = rng.below(s.len() + 1);
        match rng.below(4) {
            0 if at < s.len() => {
                s.remove(at);
            }
            1 => {
                let piece = ALPHABET[rng.below(ALPHABET.len())];
                for (k, c) in piece.chars().enumerate() {
                    s.insert(at + k, c);
                }
            }
            2 if at < s.len() => {
                let len = rng.below(20).min(s.len() - at);
                s.drain(at..at + len);
            }
            _ => {
                let c = char::from_u32(rng.next() as u32 % 0x11_0000).unwrap_or('?');
                s.insert(at, c);
            }
        }
    }
    s.into_iter().collect()
}

#[test]
fn a_hundred_thousand_hostile_inputs_never_panic() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let (mut ok, mut rejected) = (0u32, 0u32);
    for i in 0..100_000 {
        let input = if i % 10 == 0 {
            let bytes: Vec<u8> = (0..rng.below(200)).map(|_| rng.next() as u8).collect();
            String::from_utf8_lossy(&bytes).into_owned()
        } else {
            mutate(&mut rng, SEED)
        };
        match exposition::parse(&input) {
            Ok(parsed) => {
                reads_back(&parsed, &input);
                ok += 1;
            }
            Err(e) => {
                assert!(e.line >= 1 && !e.message.is_empty(), "{input:?}: {e:?}");
                rejected += 1;
            }
        }
    }
    assert!(
        ok > 0 && rejected > 0,
        "the inputs exercise both outcomes ({ok} parsed, {rejected} rejected)"
    );
    eprintln!(
        "100000 hostile inputs: {ok} parsed, {rejected} rejected with a line and a reason, 0 panics"
    );
}

/// What a parse returns reads back without a panic and agrees with itself: every label
/// found by name, every family found by name.
fn reads_back(parsed: &exposition::Exposition<'_>, input: &str) {
    for family in &parsed.families {
        assert!(
            parsed.family(family.name).is_some(),
            "{input:?}: {}",
            family.name
        );
        for sample in &family.samples {
            for (k, v) in sample.labels() {
                assert_eq!(sample.label(k), Some(v), "{input:?}: {sample:?}");
            }
            let _ = sample.timestamp();
        }
        let _ = family.series_count();
    }
}

/// The longest message the parser writes: its own words plus a few excerpts of at most
/// 80 characters (each escaped character at most 10 bytes).
const MESSAGE_BOUND: usize = 2_000;

/// Hostile inputs with long runs (a 64 KiB name, value, label or HELP): rejected with a short
/// message, whatever part of the line is long.
#[test]
fn long_hostile_inputs_get_short_messages() {
    let mut rng = Rng(0x2545_F491_4F6C_DD1D);
    let long_pieces = [
        "x".repeat(1 << 16),
        "\u{0}".repeat(1 << 12),
        "\u{1b}".repeat(1 << 12),
        "é".repeat(1 << 15),
        "9".repeat(1 << 16),
    ];
    let (mut ok, mut rejected) = (0u32, 0u32);
    for _ in 0..500 {
        let mut input = mutate(&mut rng, SEED);
        let piece = &long_pieces[rng.below(long_pieces.len())];
        let mut at = rng.below(input.len() + 1);
        while !input.is_char_boundary(at) {
            at -= 1;
        }
        input.insert_str(at, piece);
        match exposition::parse(&input) {
            Ok(parsed) => {
                reads_back(&parsed, &input);
                ok += 1;
            }
            Err(e) => {
                assert!(
                    e.message.len() <= MESSAGE_BOUND,
                    "a {}-byte message: {}",
                    e.message.len(),
                    exposition::excerpt(&e.message)
                );
                rejected += 1;
            }
        }
    }
    assert!(rejected > 0, "{ok} parsed, {rejected} rejected");
}

#[test]
fn the_fuzz_corpus_replays_without_panics() {
    let dir =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz/corpus/parse_exposition");
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.expect("entry").path();
        let bytes = std::fs::read(&path).expect("readable");
        let _ = exposition::parse(&String::from_utf8_lossy(&bytes));
        n += 1;
    }
    assert!(n > 0, "the corpus is empty");
}
