#!/bin/sh
# Fuzzes the clean stage's HTML path with libFuzzer (+ AddressSanitizer) for a while.
#
# SwiftPM cannot build one target with -sanitize=fuzzer without instrumenting every dependency, so this
# compiles the stage's own sources (all but the three files that tie it to IngestCore) with a small
# harness, straight with swiftc, under var/fuzz/. Every crash libFuzzer finds is saved there as
# crash-*; turn each into a regression test in Tests/StageCleanTests/FuzzRegressionTests.swift.
#
#   sh scripts/fuzz_clean.sh [SECONDS]        (default 300)
set -eu
cd "$(dirname "$0")/.."
seconds="${1:-300}"
out=var/fuzz
mkdir -p "$out/corpus"
cat > "$out/harness.swift" <<'SWIFT'
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let html = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    guard let document = HTMLDocument.parse(html) else { return 0 }
    let links = LinkCleaner(base: "https://example.org/a/b.html", trackingParams: LinkCleaner.defaultTrackingParams)
    for extraction in [MainContent.page(document), MainContent.fragment(document)] {
        let text = extraction.text
        _ = extraction.html(links: links)
        _ = NoContentCheck.reason(text: text, title: extraction.tree.title, headings: [], hasPasswordField: false, thinWords: 80)
    }
    _ = TextNormalizer.normalize(html)
    return 0
}
SWIFT
# Seeds: small pages of every shape the tests use.
printf '<html><body><article><h1>T</h1><p>One, two, three, four words here and there.</p><ul><li>a</li></ul><table><tr><td>x</td></tr></table><pre>p\n q</pre></article></body></html>' > "$out/corpus/seed1.html"
printf '<p>feed <b>fragment</b> &amp; <a href="/x?utm_source=y">link</a></p>' > "$out/corpus/seed2.html"
printf '<div class="content"><div><p>nested</p><div id="comments">c</div></div></div>' > "$out/corpus/seed3.html"
sources=$(ls plugins/clean/*.swift | grep -v -e /Cleaner.swift -e /CleanStage.swift -e /CleanConfiguration.swift)
swiftc -O -sanitize=fuzzer,address -parse-as-library -module-name CleanFuzz \
    -I Sources/CLibXML2 $(pkg-config --cflags-only-I libxml-2.0 | sed 's/-I/-Xcc -I/g') -lxml2 \
    $sources "$out/harness.swift" -o "$out/fuzz-clean"
"$out/fuzz-clean" -max_total_time="$seconds" -max_len=65536 -rss_limit_mb=2048 -timeout=20 \
    -artifact_prefix="$out/" "$out/corpus"
