import Foundation
import IngestCore
import IngestPlugins
import IngestSources
import IngestStore

/// What a scrape reads: the runner's counters, the store's queue, the feeds' health and the plugins.
/// Every value is taken when `GET /metrics` arrives; nothing is kept between scrapes.
struct DaemonMetrics: Sendable {
    let stats: RuntimeStats
    let store: any ArticleStore
    let feeds: @Sendable () -> [FeedListing]
    let plugins: @Sendable () -> [PluginStatus]
    let startedAt: Date

    /// The whole exposition (see docs/METRICS.md for every family).
    func render(now: Date = Date()) -> String {
        let s = stats.snapshot(now: now)
        var out = PrometheusText()

        out.family("ingestd_build_info", .gauge, "Always 1; the version of the running ingestd.")
        out.sample("ingestd_build_info", ["version": ControlAPI.ingestdVersion], 1)
        out.family("ingestd_start_time_seconds", .gauge, "When the daemon started, in seconds since the Unix epoch.")
        out.sample("ingestd_start_time_seconds", [:], startedAt.timeIntervalSince1970.rounded())

        // Per source.
        let sources = s.sources.keys.sorted()
        out.family("ingestd_source_articles_in_total", .counter, "Articles decoded from the source's inputs.")
        for name in sources { out.sample("ingestd_source_articles_in_total", ["source": name], s.sources[name]!.articlesIn) }
        out.family("ingestd_source_articles_out_total", .counter, "Articles from the source that were enqueued.")
        for name in sources { out.sample("ingestd_source_articles_out_total", ["source": name], s.sources[name]!.articlesOut) }

        // Per stage; `decode` counts inputs, the pipeline's stages count articles.
        out.family("ingestd_stage_articles_in_total", .counter, "Articles that entered the stage (inputs for decode).")
        for stage in s.stages { out.sample("ingestd_stage_articles_in_total", ["stage": stage.name], stage.processed) }
        out.family("ingestd_stage_articles_out_total", .counter, "Articles the stage passed on (inputs decoded for decode).")
        for stage in s.stages {
            out.sample("ingestd_stage_articles_out_total", ["stage": stage.name], stage.processed - stage.dropped - stage.failed)
        }
        out.family("ingestd_stage_articles_failed_total", .counter, "Articles the stage failed on (inputs for decode).")
        for stage in s.stages { out.sample("ingestd_stage_articles_failed_total", ["stage": stage.name], stage.failed) }
        out.family(
            "ingestd_articles_dropped_total", .counter,
            "Articles dropped on purpose, by stage and reason (the reason without what differs per article).")
        for key in s.drops.keys.sorted(by: { ($0.stage, $0.reason) < ($1.stage, $1.reason) }) {
            out.sample("ingestd_articles_dropped_total", ["stage": key.stage, "reason": key.reason], s.drops[key]!)
        }
        out.family("ingestd_stage_duration_seconds", .histogram, "Time a stage took per article (per input for decode).")
        for (stage, histogram) in zip(s.stages, s.latency) {
            out.histogram(
                "ingestd_stage_duration_seconds", labels: [("stage", stage.name)], bounds: LatencyHistogram.bounds,
                counts: histogram.coarse, count: histogram.count, sum: Double(histogram.sumMicros) / 1_000_000)
        }
        out.family("ingestd_commits_enqueued_total", .counter, "Articles enqueued since the start, all sources.")
        out.sample("ingestd_commits_enqueued_total", [:], s.enqueued)

        // The queue, as the store has it now.
        let queues = (try? store.queueStats()) ?? []
        out.family("ingestd_queue_rows", .gauge, "Rows of each queue by state.")
        for q in queues {
            for state in QueueState.allCases {
                out.sample("ingestd_queue_rows", ["queue": q.queue, "state": state.rawValue], q.counts[state.rawValue] ?? 0)
            }
        }
        let ages = oldestReadyAges(store: store, queues: queues, now: now)
        out.family(
            "ingestd_queue_oldest_ready_age_seconds", .gauge,
            "How long the queue's oldest ready row has waited since it was enqueued; 0 when none is ready.")
        for q in queues { out.sample("ingestd_queue_oldest_ready_age_seconds", ["queue": q.queue], ages[q.queue] ?? 0) }

        // Feeds.
        let feeds = self.feeds()
        out.family("ingestd_feed_up", .gauge, "1 unless the feed's last poll failed.")
        for f in feeds { out.sample("ingestd_feed_up", ["feed": f.name], f.consecutiveErrors == 0 ? 1 : 0) }
        out.family("ingestd_feed_failing", .gauge, "1 when the feed failed 5 polls in a row (ingestctl feeds list: failing).")
        for f in feeds { out.sample("ingestd_feed_failing", ["feed": f.name], f.health == "failing" ? 1 : 0) }
        out.family("ingestd_feed_consecutive_errors", .gauge, "Polls of the feed that failed in a row.")
        for f in feeds { out.sample("ingestd_feed_consecutive_errors", ["feed": f.name], f.consecutiveErrors) }
        out.family(
            "ingestd_feed_last_success_timestamp_seconds", .gauge,
            "When the feed was last polled successfully, in seconds since the Unix epoch (absent before the first).")
        for f in feeds {
            guard let at = f.lastSuccessAt else { continue }
            out.sample("ingestd_feed_last_success_timestamp_seconds", ["feed": f.name], at.timeIntervalSince1970.rounded())
        }

        // Exec plugins.
        let plugins = self.plugins()
        out.family("ingestd_plugin_restarts_total", .counter, "Times the exec plugin's process was started again.")
        for p in plugins { out.sample("ingestd_plugin_restarts_total", ["plugin": p.name], p.restarts) }
        out.family("ingestd_plugin_up", .gauge, "1 when the exec plugin's process is running.")
        for p in plugins { out.sample("ingestd_plugin_up", ["plugin": p.name], p.state == "running" ? 1 : 0) }
        return out.text
    }
}
