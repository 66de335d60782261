#!/bin/sh
# libFuzzer targets for the parsers that take outside input (see fuzz/README.md).
#
#   sh fuzz/run.sh build                  builds every target into var/fuzz/bin/ (needs the release build in
#                                         $SCRATCH, default .build-rel: swift build -c release --scratch-path …)
#   sh fuzz/run.sh run TARGET [SECONDS]   fuzzes one target (default 300 s) from fuzz/corpus/TARGET; a crash
#                                         is saved as var/fuzz/TARGET/crash-* and the exit status is not 0
#
# Targets: FeedParserFuzz, CleanFuzz, RequestFuzz, DecodeFuzz (compiled from the module's own sources, instrumented with
# -sanitize=fuzzer,address) and ConfigFuzz (the harness instrumented, linked against the release build's
# objects: the config loader needs most of the package, which SwiftPM cannot build with -sanitize=fuzzer
# without instrumenting every dependency and clashing with the executables' main).
set -eu
cd "$(dirname "$0")/.."
root=$(pwd)
scratch="${SCRATCH:-.build-rel}"
case "$scratch" in /*) ;; *) scratch="$root/$scratch" ;; esac
out=var/fuzz
cmd="${1:-build}"

# TARGETS="A B" limits a build to some targets.
want() { case " ${TARGETS:-FeedParserFuzz CleanFuzz RequestFuzz DecodeFuzz ConfigFuzz} " in *" $1 "*) return 0 ;; esac; return 1; }

build() {
    mkdir -p "$out/bin"
    release="$scratch/release"
    [ -f "$release/description.json" ] || { echo "fuzz: no release build in $scratch" >&2; exit 1; }
    flags=$(python3 fuzz/flags.py "$scratch")
    xml=$(pkg-config --cflags-only-I libxml-2.0 | sed 's/-I/-Xcc -I/g')
    common="-O -sanitize=fuzzer,address -parse-as-library -swift-version 6"

    # The release build's library objects in one archive: the linker takes only what a harness uses.
    rm -f "$out/libingest.a"
    find "$release"/ -path '*.build/*.o' \
        | grep -v -e '/ingestd.build/' -e '/ingestctl.build/' -e 'Tests.build/' -e '-tool.build/' \
            -e '/generate_' -e 'TestKit.build/' -e '/InMemoryLogging.build/' -e 'PackageDiscoveredTests' \
            -e 'PackageTests.build' \
        | tr '\n' '\0' | xargs -0 ar rcs "$out/libingest.a"
    libs="-L$out -lingest -lsqlite3 -lcurl -lxml2 -lz -lpq -lcld2 -lstemmer -lstdc++ -lswiftSynchronization"

    feed="FeedParser RSSParser AtomParser JSONFeedParser FeedXML FeedModel ItemIdentity FeedSchedule"
    want FeedParserFuzz && swiftc $common -module-name FeedParserFuzz $flags $xml \
        $(for f in $feed; do printf 'Sources/IngestSources/Feed/%s.swift ' "$f"; done) \
        fuzz/harness/FeedParserFuzz.swift $libs -o "$out/bin/FeedParserFuzz" 2>&1 | grep -v 'Cannot export local symbol' >&2 || true
    # The clean stage's files and the parsed-page type they share with extract, as one module.
    if want CleanFuzz; then
        mkdir -p "$out/src/clean"
        for f in $(ls plugins/clean/*.swift | grep -v -e /Cleaner.swift -e /CleanStage.swift -e /CleanConfiguration.swift) \
            Sources/IngestHTML/HTMLDocument.swift Sources/IngestHTML/LibXML2.swift; do
            grep -v '^import IngestHTML' "$f" > "$out/src/clean/$(basename "$f")"
        done
    fi
    want CleanFuzz && swiftc $common -module-name CleanFuzz -I Sources/CLibXML2 $xml -lxml2 \
        "$out"/src/clean/*.swift fuzz/harness/CleanFuzz.swift -o "$out/bin/CleanFuzz" 2>&1 | grep -v 'Cannot export local symbol' >&2 || true
    want RequestFuzz && swiftc $common -module-name RequestFuzz \
        Sources/IngestDaemon/Control/UnixHTTPServer.swift Sources/IngestDaemon/Runtime/DaemonError.swift \
        fuzz/harness/RequestFuzz.swift -o "$out/bin/RequestFuzz" 2>&1 | grep -v 'Cannot export local symbol' >&2 || true
    # Decoding's readers, and the scalar HTML reader they replaced as the reference (its import dropped:
    # here it is one module with them).
    if want DecodeFuzz; then
        mkdir -p "$out/src"
        grep -v '^import IngestCore' Tests/IngestCoreTests/HTMLTextReference.swift > "$out/src/HTMLTextReference.swift"
        swiftc $common -module-name DecodeFuzz \
            Sources/IngestCore/Decoding/HTMLText.swift Sources/IngestCore/Decoding/HTMLByteReader.swift \
            Sources/IngestCore/Decoding/HTMLEntities.swift Sources/IngestCore/Decoding/TextDecoding.swift \
            Sources/IngestCore/Decoding/SingleByteCharsets.swift Sources/IngestCore/Support/SHA256.swift \
            Sources/IngestCore/Model/RawDocument.swift Sources/IngestCore/Decoding/DocumentFormat.swift \
            "$out/src/HTMLTextReference.swift" \
            fuzz/harness/DecodeFuzz.swift -o "$out/bin/DecodeFuzz" 2>&1 | grep -v 'Cannot export local symbol' >&2 || true
    fi
    want ConfigFuzz && swiftc $common -module-name ConfigFuzz $flags \
        fuzz/harness/ConfigFuzz.swift $libs -o "$out/bin/ConfigFuzz" 2>&1 | grep -v 'Cannot export local symbol' >&2 || true
    # Its probe child, not instrumented: it only parses one text and exits.
    want ConfigFuzz && swiftc -O -parse-as-library -swift-version 6 -module-name TOMLProbeChild $flags \
        fuzz/harness/TOMLProbeChild.swift $libs -o "$out/bin/toml-probe" 2>&1 | grep -v 'Cannot export local symbol' >&2 || true
    for t in FeedParserFuzz CleanFuzz RequestFuzz DecodeFuzz ConfigFuzz; do
        want "$t" || continue
        [ -x "$out/bin/$t" ] || { echo "fuzz: $t did not build" >&2; exit 1; }
    done
}

run() {
    target="$1"
    seconds="${2:-300}"
    [ -x "$out/bin/$target" ] || build
    mkdir -p "$out/$target/corpus"
    # The config loader goes through TOMLKit, whose `string` accessor leaks the strdup'd C string of every
    # TOML string (TOMLValueConvertible.swift, a dependency): leak checking is off for that target only.
    leaks=1
    [ "$target" = ConfigFuzz ] && leaks=0
    # The working corpus grows in var/; the checked-in seeds stay as they are. Swift's own crash backtracer
    # is off: under ASan it crashes itself and hides the trap's stack, which libFuzzer prints anyway.
    SWIFT_BACKTRACE=enable=no ASAN_OPTIONS="detect_leaks=$leaks" "$out/bin/$target" -detect_leaks=$leaks -max_total_time="$seconds" -max_len=65536 -rss_limit_mb=2048 \
        -timeout=10 -print_final_stats=1 -artifact_prefix="$out/$target/" "$out/$target/corpus" "fuzz/corpus/$target"
}

case "$cmd" in
    build) build ;;
    run) shift; run "$@" ;;
    *) echo "usage: sh fuzz/run.sh build | run TARGET [SECONDS]" >&2; exit 64 ;;
esac
