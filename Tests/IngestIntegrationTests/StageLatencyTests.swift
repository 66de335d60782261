import Foundation
import IngestCore
@testable import IngestDaemon
import IngestStore
import Testing

@Suite("stage latency and the status line")
struct StageLatencyTests {
    @Test("p50 and p99 read from the histogram are within its bucket width of the exact ones")
    func quantiles() {
        var h = LatencyHistogram()
        #expect(h.quantileMicros(0.5) == nil)
        // 1,000 durations: 1 ms … 1 s, spread evenly on a log scale; 10 outliers of 5 s.
        var values: [Int64] = (0..<990).map { Int64(1_000 * pow(1_000, Double($0) / 989)) }
        values += [Int64](repeating: 5_000_000, count: 10)
        for v in values.shuffled() { h.record(micros: v) }
        let sorted = values.sorted()
        let exactP50 = Double(sorted[499])
        let exactP99 = Double(sorted[989])
        let p50 = h.quantileMicros(0.5)!
        let p99 = h.quantileMicros(0.99)!
        // A bucket is 2^(1/8) wide: about 9 %.
        #expect(abs(p50 - exactP50) / exactP50 < 0.1, "p50 \(p50) vs \(exactP50)")
        #expect(abs(p99 - exactP99) / exactP99 < 0.1, "p99 \(p99) vs \(exactP99)")
        #expect(h.quantileMicros(1)! >= 5_000_000 * 0.9)
        #expect(h.count == 1_000)
        #expect(h.sumMicros == values.reduce(0, +))
        // The Prometheus buckets: every duration in the bucket of the first bound at or above it.
        #expect(h.coarse.reduce(0, +) == 1_000, "none above 30 s")
        let le1ms = LatencyHistogram.bounds.firstIndex(of: 0.001)!
        #expect(h.coarse[...le1ms].reduce(0, +) == 1, "only the 1 ms one is ≤ 1 ms")
        #expect(h.coarse[LatencyHistogram.bounds.firstIndex(of: 5)!] == 10)
    }

    @Test("a single value, zero, and values beyond the last bucket")
    func edges() {
        var one = LatencyHistogram()
        one.record(micros: 250)
        let q = one.quantileMicros(0.5)!
        #expect(q >= 250 / 1.1 && q <= 250 * 1.1)
        var zero = LatencyHistogram()
        zero.record(micros: 0)
        #expect(zero.quantileMicros(0.99)! < 1.1, "the first bucket: under 2^(1/8) µs")
        var huge = LatencyHistogram()
        huge.record(micros: 3_600_000_000)
        #expect(huge.quantileMicros(0.5)! > 100_000_000)
        #expect(huge.coarse.reduce(0, +) == 0, "above 30 s: only in +Inf")
        #expect(huge.count == 1)
    }

    @Test("the runner's stats: counts, latencies and drop reasons per stage, articles per source")
    func runtimeStats() {
        let stats = RuntimeStats(stageNames: ["clean", "dedupe"])
        stats.recordDecode(ok: true, source: "inbox", articles: 2, micros: 100)
        stats.recordDecode(ok: false, micros: 50)
        stats.record(trace: [
            TraceEntry(stage: "clean", outcome: .continue, micros: 2_000),
            TraceEntry(stage: "dedupe", outcome: .drop, micros: 30, detail: "duplicate of article 7: same text"),
        ])
        stats.record(trace: [
            TraceEntry(stage: "clean", outcome: .continue, micros: 4_000),
            TraceEntry(stage: "dedupe", outcome: .continue, micros: 10),
        ])
        stats.recordCommit(source: "inbox", enqueued: 1, dropped: 1, alreadyIngested: false)
        let s = stats.snapshot()
        #expect(s.stages.map(\.name) == ["decode", "clean", "dedupe"])
        #expect(s.stages[0].processed == 2 && s.stages[0].failed == 1)
        #expect(s.stages[1].processed == 2 && s.stages[2].dropped == 1)
        #expect(s.sources["inbox"] == RuntimeStats.SourceCounts(articlesIn: 2, articlesOut: 1))
        #expect(s.drops == [RuntimeStats.DropKey(stage: "dedupe", reason: "duplicate: same text"): 1])
        let clean = s.stages[1]
        #expect(clean.p50Ms != nil && clean.p99Ms != nil)
        #expect(clean.p50Ms! >= 1.8 && clean.p50Ms! <= 4.4, "\(clean)")
        #expect(clean.p99Ms! >= 3.6 && clean.p99Ms! <= 4.4, "\(clean)")
        #expect(s.latency[1].count == 2)
        // A stage nothing went through has no quantiles: `-` in ingestctl status, absent in JSON.
        let idle = RuntimeStats(stageNames: ["extract"]).snapshot()
        #expect(idle.stages[1].p50Ms == nil)
        let json = String(decoding: try! ControlAPI.encoder().encode(idle.stages[1]), as: UTF8.self)
        #expect(!json.contains("p50Ms"))
    }

    @Test("drop reasons become bounded label values", arguments: [
        ("duplicate of article 12: same text", "duplicate: same text"),
        ("duplicate of an article in flight (cluster 9f2c): same URL (https://example.org/a)", "duplicate: same URL"),
        ("duplicate of article 3: near-duplicate, similarity 0.93", "duplicate: near-duplicate"),
        ("login wall: a password form and only 12 words of text", "login wall"),
        ("error page: \"404\" (title), 30 words of text", "error page"),
        ("no text in the page", "no text in the page"),
        ("", "unspecified"),
        ("42", "unspecified"),
    ])
    func reasonClasses(reason: String, expected: String) {
        #expect(RuntimeStats.reasonClass(reason) == expected)
    }

    @Test("a stage's distinct drop reasons are capped; the rest count as other")
    func reasonCap() {
        func letter(_ i: Int) -> String { String(UnicodeScalar(UInt8(65 + i))) }
        let stats = RuntimeStats(stageNames: ["plugin"])
        for n in 0..<40 {
            stats.record(trace: [TraceEntry(stage: "plugin", outcome: .drop, micros: 1, detail: "rule \(letter(n % 26))\(letter(n / 26)) fired")])
        }
        let drops = stats.snapshot().drops
        #expect(drops.count == RuntimeStats.maxReasonsPerStage + 1)
        #expect(drops.values.reduce(0, +) == 40)
        #expect(drops[RuntimeStats.DropKey(stage: "plugin", reason: "other")] == 40 - RuntimeStats.maxReasonsPerStage)
    }

    @Test("the systemd STATUS= line: articles a minute, ready rows, failing feeds")
    func statusLine() {
        func report(failing: Int, ready: Int) -> StatusReport {
            var sources = [
                SourceStatus(name: "inbox", kind: .folder, location: "/in", state: "failing", counts: [:]),
                SourceStatus(name: "ok", kind: .feed, location: "https://a/", state: "running", counts: [:]),
            ]
            for n in 0..<failing {
                sources.append(SourceStatus(name: "f\(n)", kind: .feed, location: "https://f/\(n)", state: "failing", counts: [:]))
            }
            return StatusReport(
                version: "0", pid: 1, startedAt: Date(), uptimeSecs: 1, config: "", database: "", pipeline: [],
                sources: sources, stages: [],
                queues: [QueueStats(queue: "default", counts: ["ready": ready - 5]), QueueStats(queue: "b", counts: ["ready": 5, "done": 3])],
                articlesLastMinute: 42, enqueuedSinceStart: 0, droppedSinceStart: 0, lastStoreError: nil, plugins: nil)
        }
        #expect(Heartbeat.summary(report(failing: 1, ready: 17)) == "42 articles/min, queue 17 ready, 1 failing feed")
        #expect(Heartbeat.summary(report(failing: 0, ready: 5)) == "42 articles/min, queue 5 ready, 0 failing feeds")
        #expect(Heartbeat.summary(report(failing: 3, ready: 5)) == "42 articles/min, queue 5 ready, 3 failing feeds")
    }

    @Test("the exposition writer escapes label values and help, and formats numbers as Prometheus reads them")
    func exposition() throws {
        var out = PrometheusText()
        out.family("x_total", .counter, "Line one\nback\\slash.")
        out.sample("x_total", ["reason": "a \"quoted\" back\\slash\nnewline"], 3)
        out.family("h_seconds", .histogram, "H.")
        out.histogram("h_seconds", labels: [("stage", "s")], bounds: [0.5, 1], counts: [1, 2], count: 4, sum: 2.25)
        #expect(out.text.hasPrefix("# HELP x_total Line one\\nback\\\\slash.\n# TYPE x_total counter\n"))
        let parsed = try Exposition(out.text)
        #expect(parsed.value("x_total", ["reason": "a \"quoted\" back\\slash\nnewline"]) == 3)
        #expect(parsed.value("h_seconds_bucket", ["stage": "s", "le": "0.5"]) == 1)
        #expect(parsed.value("h_seconds_bucket", ["stage": "s", "le": "1"]) == 3)
        #expect(parsed.value("h_seconds_bucket", ["stage": "s", "le": "+Inf"]) == 4)
        #expect(parsed.value("h_seconds_sum", ["stage": "s"]) == 2.25)
        #expect(PrometheusText.format(0.0001) == "0.0001")
        #expect(PrometheusText.format(30) == "30")
        #expect(PrometheusText.format(.infinity) == "+Inf")
    }
}
