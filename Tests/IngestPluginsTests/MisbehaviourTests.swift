import Foundation
import IngestCore
import IngestTestKit
import Testing

@testable import IngestPlugins

/// Plugins that go wrong in every way the issue lists. In each case the host keeps working, the article
/// gets what the manifest's `on_error` says, and the plugin's state tells what happened.
@Suite("plugins that misbehave")
struct MisbehaviourTests {
    /// Echoes the title into a field: proof an answer came from this plugin for this article.
    static let echo =
        #"send({"id": message["id"], "action": "continue", "changes": {"fields": {"echo": message["article"].get("title") or ""}}})"#

    @Test(
        "crashes on the third article: that one gets on_error (skip: through unchanged, error in its trace); the plugin restarts and works"
    )
    func crashOnThird() async throws {
        let dir = try TemporaryDirectory("plugin-crash")
        try writePlugin(
            dir, name: "crashy", script: pythonPlugin("if n == 3:\n    sys.exit(3)\n" + Self.echo),
            manifest: #"on_error = "skip""#)
        let (host, stage) = try pluginStage(dir, "crashy")
        for i in 1...5 {
            let result = await runPipeline(stage, article("text \(i)", title: "t\(i)"))
            guard case .completed(let out) = result else {
                Issue.record("article \(i): \(result)")
                continue
            }
            if i == 3 {
                #expect(out.fields["echo"] == nil)
                let detail = try #require(out.trace.last?.detail)
                #expect(detail.contains("skipped: plugin crashy exited with status 3"), "\(detail)")
            } else {
                #expect(out.fields["echo"] == "t\(i)")
                #expect(out.trace.last?.detail == nil)
            }
        }
        let status = try #require(host.statuses().first)
        #expect(status.restarts == 1)
        #expect(status.state == "running")
        #expect(status.counts["continued"] == 4)
        #expect(status.counts["errors"] == 1)
        #expect(status.lastError?.contains("exited with status 3") == true)
        await host.stop()
    }

    @Test("hangs: the article times out (fail: a skipArticle error) and the stuck plugin is killed and restarted")
    func hang() async throws {
        let dir = try TemporaryDirectory("plugin-hang")
        let script = pythonPlugin("if message['article']['title'] == 'hang':\n    time.sleep(3600)\n" + Self.echo)
        try writePlugin(dir, name: "sleepy", script: script, manifest: "on_error = \"fail\"\ntimeout_ms = 400")
        let (host, stage) = try pluginStage(dir, "sleepy")
        #expect(await run(stage, article("fine", title: "first")).article?.fields["echo"] == "first")
        let firstPid = try #require(host.statuses().first?.pid)
        let error = try #require(await run(stage, article("stuck", title: "hang")).error)
        #expect(error.disposition == .skipArticle)
        #expect(error.message == "plugin sleepy timed out after 400 ms")
        // The next article goes to a new process.
        #expect(await run(stage, article("fine again", title: "after")).article?.fields["echo"] == "after")
        let status = try #require(host.statuses().first)
        #expect(status.counts["timeouts"] == 1)
        #expect(status.restarts == 1)
        #expect(status.pid != firstPid)
        #expect(await waitUntil(timeout: .seconds(10)) { processGone(firstPid) })
        await host.stop()
    }

    @Test("prints garbage: the line is dropped with a clear error, the article times out (retry: a retry error)")
    func garbage() async throws {
        let dir = try TemporaryDirectory("plugin-garbage")
        let script = pythonPlugin("sys.stdout.write('this is not JSON at all\\n')\nsys.stdout.flush()")
        try writePlugin(dir, name: "noisy", script: script, manifest: "on_error = \"retry\"\ntimeout_ms = 400")
        let (host, stage) = try pluginStage(dir, "noisy")
        let error = try #require(await run(stage, article("x", title: "g")).error)
        #expect(error.disposition == .retry)
        #expect(error.message.contains("timed out"))
        let status = try #require(host.statuses().first)
        #expect(status.counts["bad_lines"] == 1)
        #expect(status.counts["errors"] == 1)
        // The last error is the kill of the hung process or the dropped line; the log has both.
        #expect(status.counts["timeouts"] == 1)
        await host.stop()
    }

    @Test("an answer that parses but is wrong (unknown action, bad changes) fails its article at once")
    func badAnswers() async throws {
        let dir = try TemporaryDirectory("plugin-bad")
        let script = pythonPlugin(
            """
            if n == 1:
                send({"id": message["id"], "action": "explode"})
            else:
                send({"id": message["id"], "action": "continue", "changes": {"titel": "typo"}})
            """)
        try writePlugin(dir, name: "sloppy", script: script, manifest: "on_error = \"fail\"")
        let logs = LogCapture()
        let (host, stage) = try pluginStage(dir, "sloppy", logger: logs.logger)
        let first = try #require(await run(stage, article("a")).error)
        #expect(first.message.contains("unknown action 'explode'"), "\(first.message)")
        let second = try #require(await run(stage, article("b")).error)
        #expect(second.message.contains("unknown field 'titel'"), "\(second.message)")
        let status = try #require(host.statuses().first)
        #expect(status.counts["bad_lines"] == 2)
        #expect(status.counts["timeouts"] == 0)
        #expect(status.restarts == 0)
        #expect(logs.contains("plugin=sloppy"))
        await host.stop()
    }

    @Test("answers for an unknown id: dropped and counted; the article times out (skip: through unchanged)")
    func unknownId() async throws {
        let dir = try TemporaryDirectory("plugin-unknown")
        let script = pythonPlugin(#"send({"id": message["id"] + 1000, "action": "continue"})"#)
        try writePlugin(dir, name: "lost", script: script, manifest: "on_error = \"skip\"\ntimeout_ms = 400")
        let (host, stage) = try pluginStage(dir, "lost")
        let result = await runPipeline(stage, article("x", title: "u"))
        guard case .completed(let out) = result else {
            Issue.record("\(result)")
            return
        }
        #expect(out.trace.last?.detail == "skipped: plugin lost timed out after 400 ms")
        let status = try #require(host.statuses().first)
        #expect(status.counts["unknown_ids"] == 1)
        #expect(status.counts["timeouts"] == 1)
        await host.stop()
    }

    @Test("exits at start: restarted with backoff, then failed; articles get on_error at once (fail)")
    func exitAtStart() async throws {
        let dir = try TemporaryDirectory("plugin-exit")
        try writePlugin(
            dir, name: "quitter", script: "#!/bin/sh\necho 'cannot start: no model' >&2\nexit 4\n", language: "sh",
            manifest: "on_error = \"fail\"")
        let logs = LogCapture()
        let (host, stage) = try pluginStage(dir, "quitter", logger: logs.logger)
        host.start()
        #expect(await waitUntil(timeout: .seconds(60)) { host.statuses().first?.state == "failed" })
        let status = try #require(host.statuses().first)
        #expect(status.restarts == PluginInstance.maxConsecutiveFailures)
        #expect(status.pid == nil)
        #expect(status.lastError == "exited with status 4")
        let error = try #require(await run(stage, article("x")).error)
        #expect(error.disposition == .skipArticle)
        #expect(error.message == "plugin quitter is failed (exited with status 4)")
        // Its stderr reached the log, with its name.
        #expect(logs.contains("cannot start: no model"))
        #expect(logs.contains("plugin=quitter"))
        await host.stop()
    }

    @Test("floods stdout with garbage: killed, its article gets on_error (skip), restarted")
    func floodStdout() async throws {
        let dir = try TemporaryDirectory("plugin-flood")
        let script = pythonPlugin(
            "if message['article']['title'] == 'f':\n    while True:\n        sys.stdout.write('spam spam spam\\n')\n"
                + Self.echo)
        try writePlugin(dir, name: "flood", script: script, manifest: "on_error = \"skip\"")
        let (host, stage) = try pluginStage(dir, "flood")
        let result = await runPipeline(stage, article("x", title: "f"))
        guard case .completed(let out) = result else {
            Issue.record("\(result)")
            return
        }
        let detail = try #require(out.trace.last?.detail)
        #expect(detail.contains("killed for flooding its output"), "\(detail)")
        #expect(await run(stage, article("y", title: "after")).article?.fields["echo"] == "after")
        #expect(host.statuses().first?.restarts == 1)
        await host.stop()
    }

    @Test("writes one endless line: killed at the line cap (fail)")
    func floodLine() async throws {
        let dir = try TemporaryDirectory("plugin-longline")
        let script = pythonPlugin("sys.stdout.write('x' * 100000)\nsys.stdout.flush()\ntime.sleep(3600)")
        try writePlugin(dir, name: "longline", script: script, manifest: "on_error = \"fail\"\nmax_line_bytes = 4096")
        let (host, stage) = try pluginStage(dir, "longline")
        let error = try #require(await run(stage, article("x")).error)
        #expect(error.message.contains("a line longer than 4096 bytes"), "\(error.message)")
        await host.stop()
    }

    @Test("floods stderr: killed by the noise cap (skip)")
    func floodStderr() async throws {
        let dir = try TemporaryDirectory("plugin-stderr")
        let script = pythonPlugin("while True:\n    sys.stderr.write('warning: something\\n')")
        try writePlugin(
            dir, name: "chatty", script: script, manifest: "on_error = \"skip\"\nmax_noise_lines_per_sec = 200")
        let (host, stage) = try pluginStage(dir, "chatty")
        let result = await runPipeline(stage, article("x"))
        guard case .completed(let out) = result else {
            Issue.record("\(result)")
            return
        }
        #expect(
            out.trace.last?.detail?.contains("more than 200 lines a second that are not answers") == true,
            "\(out.trace)")
        #expect((host.statuses().first?.counts["stderr_lines"] ?? 0) >= 1)
        await host.stop()
    }

    @Test("the plugin says fail: the article fails with its reason; retry: true asks for a retry")
    func pluginFails() async throws {
        let dir = try TemporaryDirectory("plugin-fail")
        let script = pythonPlugin(
            #"send({"id": message["id"], "action": "fail", "reason": "model unavailable", "retry": n == 2})"#)
        try writePlugin(dir, name: "refuser", script: script, manifest: "on_error = \"skip\"")
        let (host, stage) = try pluginStage(dir, "refuser")
        let first = try #require(await run(stage, article("a")).error)
        #expect(first.disposition == .skipArticle)
        #expect(first.message == "plugin refuser failed the article: model unavailable")
        #expect(try #require(await run(stage, article("b")).error).disposition == .retry)
        await host.stop()
    }
}
