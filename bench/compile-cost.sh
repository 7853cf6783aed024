#!/usr/bin/env bash
# Compile cost of the DSL, measured on this machine in one run.
#
#  (a) A clean debug build of a throwaway binary that declares one labelled counter with
#      metrics-runtime and its derives, against the same with prometheus-client and its
#      derives (EncodeLabelSet / EncodeLabelValue). Ours twice: with default features (the
#      `prometheus` interop) and with none (the core: labels, storage, registry, encoder,
#      timers). Each is built from clean in its own target directory, ROUNDS times
#      alternating, and the median is reported.
#  (b) The build time of a generated crate of 60 and of 600 families (counters, gauges and
#      histograms in turn, over 10 label enums), dependencies already built, so the time is the
#      crate's own: expansion, type checking and code generation. Reports seconds per family.
#  (c) Where (a) goes: clean builds of dependency sets alone (an empty derive crate holding the
#      proc-macro dependencies, an empty binary holding the runtime ones), from the set
#      metrics-runtime has now down to what index-addressed recording strictly needs, beside
#      prometheus-client's set. Skip with WHATIF=0.
#
# Everything is generated under a temporary directory (kept with KEEP=1) and nothing in the
# repository changes. Dependencies are fetched before any timing, so the network is not timed.
#
#   bench/compile-cost.sh            # ROUNDS=3
#   ROUNDS=1 bench/compile-cost.sh   # quicker
set -euo pipefail

ROUNDS=${ROUNDS:-3}
here=$(cd "$(dirname "$0")" && pwd)
runtime="$(cd "$here/../metrics-runtime" && pwd)"
work=$(mktemp -d "${TMPDIR:-/tmp}/metrics-compile-cost.XXXXXX")
if [[ "${KEEP:-0}" != 1 ]]; then trap 'rm -rf "$work"' EXIT; fi
unset CARGO_TARGET_DIR RUSTFLAGS CARGO_BUILD_RUSTFLAGS RUSTC_WRAPPER
export CARGO_INCREMENTAL=0 CARGO_TERM_COLOR=never

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
median() { tr ' ' '\n' | sed '/^$/d' | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# ---- (a) one family, clean build: ours vs prometheus-client --------------------------------
mkdir -p "$work/ours/src" "$work/core/src" "$work/pc/src"
cat > "$work/ours/Cargo.toml" <<EOF
[package]
name = "cost-ours"
version = "0.0.0"
edition = "2024"
publish = false

[workspace]

[dependencies]
metrics-runtime = { path = "$runtime" }
EOF
cat > "$work/ours/src/main.rs" <<'EOF'
use metrics_runtime::{LabelValue, MetricFamily};

/// How a request ended.
#[derive(LabelValue, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome { Ok, Error, Timeout }

/// HTTP method.
#[derive(LabelValue, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method { Get, Post }

/// Requests handled, by method and outcome.
#[derive(MetricFamily)]
#[metric(counter, name = "cost_requests_total")]
pub struct Requests { pub method: Method, pub outcome: Outcome }

fn main() {
    Requests { method: Method::Get, outcome: Outcome::Ok }.inc();
    print!("{}", metrics_runtime::encode_text());
}
EOF
sed -e 's/cost-ours/cost-core/' -e 's|^metrics-runtime = { path = "\(.*\)" }$|metrics-runtime = { path = "\1", default-features = false }|' \
    "$work/ours/Cargo.toml" > "$work/core/Cargo.toml"
cp "$work/ours/src/main.rs" "$work/core/src/main.rs"
cat > "$work/pc/Cargo.toml" <<'EOF'
[package]
name = "cost-pc"
version = "0.0.0"
edition = "2024"
publish = false

[workspace]

[dependencies]
prometheus-client = "0.25"
EOF
cat > "$work/pc/src/main.rs" <<'EOF'
use prometheus_client::encoding::{EncodeLabelSet, EncodeLabelValue};
use prometheus_client::metrics::{counter::Counter, family::Family};
use prometheus_client::registry::Registry;

#[derive(Clone, Copy, Debug, Hash, PartialEq, Eq, EncodeLabelValue)]
pub enum Outcome { Ok, Error, Timeout }

#[derive(Clone, Copy, Debug, Hash, PartialEq, Eq, EncodeLabelValue)]
pub enum Method { Get, Post }

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct Requests { pub method: Method, pub outcome: Outcome }

fn main() {
    let mut registry = Registry::default();
    let requests = Family::<Requests, Counter>::default();
    registry.register("cost_requests", "Requests handled, by method and outcome.", requests.clone());
    requests.get_or_create(&Requests { method: Method::Get, outcome: Outcome::Ok }).inc();
    let mut out = String::new();
    prometheus_client::encoding::text::encode(&mut out, &registry).expect("encodes");
    print!("{out}");
}
EOF

clean_build() { # dir -> seconds
    local dir=$1 t0 t1
    rm -rf "$dir/target"
    t0=$(now)
    (cd "$dir" && cargo build --offline --quiet)
    t1=$(now)
    elapsed "$t0" "$t1"
}

(cd "$work/ours" && cargo fetch --quiet)
(cd "$work/core" && cargo fetch --quiet)
(cd "$work/pc" && cargo fetch --quiet)
crates() { (cd "$1" && cargo tree --prefix none -e normal,build | sort -u | wc -l); }
echo "(a) clean debug build, one labelled family; $(nproc) cores; $(rustc --version)"
echo "    dependency graph: ours $(crates "$work/ours") crates (core $(crates "$work/core")), prometheus-client $(crates "$work/pc") crates"
ours_t=() core_t=() pc_t=()
for r in $(seq "$ROUNDS"); do
    o=$(clean_build "$work/ours"); c=$(clean_build "$work/core"); p=$(clean_build "$work/pc")
    ours_t+=("$o"); core_t+=("$c"); pc_t+=("$p")
    echo "    round $r: metrics-runtime ${o}s, its core ${c}s, prometheus-client ${p}s"
done
ours_m=$(echo "${ours_t[*]}" | median)
core_m=$(echo "${core_t[*]}" | median)
pc_m=$(echo "${pc_t[*]}" | median)
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
echo "    median: metrics-runtime ${ours_m}s ($(ratio "$ours_m" "$pc_m")x), its core ${core_m}s ($(ratio "$core_m" "$pc_m")x), prometheus-client ${pc_m}s (target <= 1.5x)"

# What dominates ours: cargo's own per-unit timings of one more clean build.
(cd "$work/ours" && rm -rf target && cargo build --offline --quiet --timings >/dev/null 2>&1 || true)
if [[ -f "$work/ours/target/cargo-timings/cargo-timing.html" ]]; then
    echo "    slowest units of ours (cargo --timings, seconds of one clean build):"
    awk -F'"' '/^    "name": /     { name = $4 }
               /^    "version": /  { version = $4 }
               /^    "target": /   { target = $4; gsub(/ /, "-", target) }
               /^    "duration": / { gsub(/[^0-9.]/, "", $3); print $3, name "@" version target }' \
        "$work/ours/target/cargo-timings/cargo-timing.html" |
        sort -gr | head -10 | awk '{ printf "      %6.2f %s\n", $1, $2 }'
fi

# ---- (b) generated crates: 60 and 600 families ------------------------------------------------
gen_crate() { # dir families
    local dir=$1 n=$2 i e
    mkdir -p "$dir/src"
    cat > "$dir/Cargo.toml" <<EOF
[package]
name = "cost-gen"
version = "0.0.0"
edition = "2024"
publish = false

[workspace]

[dependencies]
metrics-runtime = { path = "$runtime" }
EOF
    {
        echo "use metrics_runtime::{LabelValue, MetricFamily};"
        for e in $(seq 0 9); do
            echo "/// Label enum $e."
            echo "#[derive(LabelValue, Clone, Copy, Debug, PartialEq, Eq)]"
            echo "pub enum E$e { Alpha, Beta, Gamma, Delta, #[label(default)] Other }"
        done
        for i in $(seq 0 $((n - 1))); do
            local a=$((i % 10)) b=$(((i + 3) % 10))
            echo "/// Generated family $i."
            echo "#[derive(MetricFamily)]"
            case $((i % 3)) in
                0) echo "#[metric(counter, name = \"gen_family_${i}_total\")]" ;;
                1) echo "#[metric(gauge, name = \"gen_family_${i}\")]" ;;
                2) echo "#[metric(histogram, name = \"gen_family_${i}_seconds\", unit = \"seconds\", buckets = [0.01, 0.1, 1.0])]" ;;
            esac
            echo "pub struct F$i { pub first: E$a, pub second: E$b }"
        done
    } > "$dir/src/lib.rs"
}

gen="$work/gen"
gen_crate "$gen" 60
(cd "$gen" && cargo fetch --quiet && cargo build --offline --quiet) # dependencies, untimed
echo "(b) the generated crate's own debug build (dependencies built), median of $ROUNDS"
declare -A per
for n in 60 600; do
    gen_crate "$gen" "$n"
    ts=()
    for r in $(seq "$ROUNDS"); do
        touch "$gen/src/lib.rs"
        t0=$(now); (cd "$gen" && cargo build --offline --quiet); t1=$(now)
        ts+=("$(elapsed "$t0" "$t1")")
    done
    per[$n]=$(echo "${ts[*]}" | median)
    echo "    $n families: ${per[$n]}s (rounds: ${ts[*]}), $(awk -v t="${per[$n]}" -v n="$n" 'BEGIN { printf "%.1f", 1000 * t / n }') ms per family"
done
echo "    marginal cost from 60 to 600: $(awk -v a="${per[60]}" -v b="${per[600]}" 'BEGIN { printf "%.1f", 1000 * (b - a) / 540 }') ms per family"

# ---- (c) what-if: dependency sets alone -----------------------------------------------------
[[ "${WHATIF:-1}" == 1 ]] || exit 0
depset() { # name "derive-crate deps" "runtime deps": lays out the two crates
    local d="$work/whatif/$1"
    mkdir -p "$d/m/src" "$d/app/src"
    printf '[package]\nname = "m"\nversion = "0.0.0"\nedition = "2024"\n[workspace]\n[lib]\nproc-macro = true\n[dependencies]\n%b\n' "$2" > "$d/m/Cargo.toml"
    echo 'use proc_macro::TokenStream; #[proc_macro_derive(X)] pub fn x(_: TokenStream) -> TokenStream { TokenStream::new() }' > "$d/m/src/lib.rs"
    printf '[package]\nname = "app"\nversion = "0.0.0"\nedition = "2024"\n[workspace]\n[dependencies]\nm = { path = "../m" }\n%b\n' "$3" > "$d/app/Cargo.toml"
    echo 'fn main() {}' > "$d/app/src/main.rs"
    (cd "$d/app" && cargo fetch --quiet)
}
syn2='syn = { version = "2", features = ["full", "extra-traits"] }\nquote = "1"\nproc-macro2 = "1"'
syn3='syn = { version = "3", features = ["full", "extra-traits"] }\nquote = "1"\nproc-macro2 = "1"'
toml_serde='toml = { version = "0.9", default-features = false, features = ["parse", "serde"] }'
serde_derive='serde = { version = "1", features = ["derive"] }'
rt_core='linkme = "0.3"\nitoa = "1"\nryu = "1"'
toml_parse='toml = { version = "0.9", default-features = false, features = ["parse"] }'
rt_before="$rt_core\\nprometheus = { version = \"0.14\", default-features = false }\\nipnet = \"2\"\\n$toml_serde\\n$serde_derive"
rt_default="$rt_core\\nprometheus = { version = \"0.14\", default-features = false }"
depset before "$syn2\\ndarling = \"0.21\"\\n$toml_serde" "$rt_before"
depset now "$syn3\\ndarling = \"0.24\"\\n$toml_parse" "$rt_default"
depset lean_runtime "$syn3\\ndarling = \"0.24\"\\n$toml_parse" "$rt_core"
depset minimal "$syn3" "$rt_core"
depset prometheus_client "$syn3" 'dtoa = "1"\nitoa = "1"\nparking_lot = "0.12"'
echo "(c) dependency sets alone, clean debug build, median of $ROUNDS (our own two crates add to these)"
declare -A sets=(
    [before]="before the feature split: derive = syn 2 + darling 0.21 + toml with serde; runtime = serde (derive) + toml + prometheus + linkme + ipnet + itoa + ryu"
    [now]="default features: derive = syn 3 + darling 0.24 + toml's parser; runtime = prometheus (thiserror: syn 3) + linkme (syn 3) + itoa + ryu"
    [lean_runtime]="no default features: the same derive; runtime = linkme + itoa + ryu"
    [minimal]="runtime = linkme + itoa + ryu; derive = syn 3 alone (hand-written attribute parsing, a small policy reader)"
    [prometheus_client]="prometheus-client 0.25's own set: syn 3, dtoa, itoa, parking_lot"
)
declare -A t
for r in $(seq "$ROUNDS"); do
    for s in before now lean_runtime minimal prometheus_client; do
        d="$work/whatif/$s/app"
        rm -rf "$d/target"
        t0=$(now); (cd "$d" && cargo build --offline --quiet); t1=$(now)
        t[$s]="${t[$s]:-} $(elapsed "$t0" "$t1")"
    done
done
for s in before now lean_runtime minimal prometheus_client; do
    printf '    %-18s %6ss  (%s crates) %s\n' "$s" "$(echo "${t[$s]}" | median)" \
        "$(cd "$work/whatif/$s/app" && cargo tree --offline --prefix none -e normal,build | sort -u | wc -l)" "${sets[$s]}"
done
