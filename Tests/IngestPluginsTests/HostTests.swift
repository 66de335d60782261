import Foundation
import Glibc
import IngestCore
import IngestTestKit
import Testing

@testable import IngestPlugins

@Suite("the plugin host")
struct HostTests {
    @Test("many articles in flight, answered out of order, each matched to its own by id")
    func inFlight() async throws {
        let dir = try TemporaryDirectory("plugin-inflight")
        // Holds four requests, then answers them newest first.
        let script = pythonPlugin(
            """
            held.append(message)
            if len(held) == 4:
                for m in reversed(held):
                    send({"id": m["id"], "action": "continue", "changes": {"title": m["article"]["text"].upper()}})
                held.clear()
            """, before: "held = []")
        try writePlugin(dir, name: "batcher", script: script, manifest: "max_in_flight = 4")
        let (host, stage) = try pluginStage(dir, "batcher")
        let titles = await withTaskGroup(of: (Int, String?).self) { group in
            for i in 0..<16 {
                group.addTask { (i, await run(stage, article("story \(i)")).article?.title) }
            }
            var titles: [Int: String?] = [:]
            for await (i, title) in group { titles[i] = title }
            return titles
        }
        for i in 0..<16 { #expect(titles[i] == "STORY \(i)") }
        #expect(host.statuses().first?.counts["continued"] == 16)
        await host.stop()
    }

    @Test(
        "a clean environment: fixed PATH, LANG, HOME and working directory the plugin's folder, the manifest's variables, nothing of the daemon's"
    )
    func environment() async throws {
        setenv("INGESTD_TEST_SECRET", "hunter2", 1)
        defer { unsetenv("INGESTD_TEST_SECRET") }
        let dir = try TemporaryDirectory("plugin-env")
        let script = pythonPlugin(
            """
            env = {k: os.environ.get(k, "") for k in ["PATH", "LANG", "HOME", "INGESTD_PLUGIN", "INGESTD_TEST_SECRET", "MODEL"]}
            env["cwd"] = os.getcwd()
            env["count"] = str(len(os.environ))
            send({"id": message["id"], "action": "continue", "changes": {"fields": env}})
            """)
        let folder = try writePlugin(dir, name: "envy", script: script, manifest: "[env]\nMODEL = \"small\"")
        let (host, stage) = try pluginStage(dir, "envy")
        let fields = try #require(await run(stage, article("x")).article?.fields)
        #expect(fields["PATH"] == "/usr/local/bin:/usr/bin:/bin")
        #expect(fields["LANG"] == "C.UTF-8")
        #expect(fields["HOME"] == folder)
        #expect(fields["cwd"] == folder)
        #expect(fields["INGESTD_PLUGIN"] == "envy")
        #expect(fields["MODEL"] == "small")
        #expect(fields["INGESTD_TEST_SECRET"] == "")
        #expect(fields["count"] == "6")
        await host.stop()
    }

    @Test("settings from [stages.<name>] reach the plugin in its hello")
    func settings() async throws {
        let dir = try TemporaryDirectory("plugin-settings")
        let script = pythonPlugin(
            #"send({"id": message["id"], "action": "continue", "changes": {"fields": {"limit": str(hello["settings"]["limit"]), "words": ",".join(hello["settings"]["words"]), "protocols": str(hello["protocols"])}}})"#
        )
        try writePlugin(dir, name: "configured", script: script)
        let (host, stage) = try pluginStage(
            dir, "configured", settings: ["limit": .int(3), "words": .array([.string("a"), .string("b")])])
        let fields = try #require(await run(stage, article("x")).article?.fields)
        #expect(fields["limit"] == "3")
        #expect(fields["words"] == "a,b")
        #expect(fields["protocols"] == "[1]")
        await host.stop()
    }

    @Test("stop: the plugin exits at the end of its input and is reaped; one that ignores it is killed")
    func stop() async throws {
        let dir = try TemporaryDirectory("plugin-stop")
        try writePlugin(dir, name: "polite", script: pythonPlugin(MisbehaviourTests.echo))
        // Ignores the end of its input and SIGTERM: only SIGKILL ends it.
        try writePlugin(
            dir, name: "stubborn",
            script: pythonPlugin(
                MisbehaviourTests.echo + "\n", before: "import signal\nsignal.signal(signal.SIGTERM, signal.SIG_IGN)")
                + "time.sleep(3600)\n")
        for name in ["polite", "stubborn"] {
            let (host, stage) = try pluginStage(dir, name)
            #expect(await run(stage, article("x", title: "t")).article?.fields["echo"] == "t")
            let pid = try #require(host.statuses().first?.pid)
            await host.stop()
            #expect(host.statuses().first?.state == "stopped")
            // Reaped by the host: not even a zombie is left.
            #expect(kill(pid, 0) == -1 && errno == ESRCH, "\(name): pid \(pid) still exists")
            #expect(await run(stage, article("y")).article != nil, "after stop, on_error (skip) still decides")
        }
    }

    @Test("the handshake: a plugin that speaks another protocol version never runs")
    func wrongProtocol() async throws {
        let dir = try TemporaryDirectory("plugin-proto")
        let script = """
            import json, sys
            sys.stdin.readline()
            print(json.dumps({"hello": {"protocol": 99}}), flush=True)
            for line in sys.stdin:
                pass
            """
        try writePlugin(dir, name: "future", script: script, manifest: "on_error = \"fail\"")
        let (host, _) = try pluginStage(dir, "future")
        host.start()
        #expect(await waitUntil(timeout: .seconds(60)) { host.statuses().first?.state == "failed" })
        #expect(
            host.statuses().first?.lastError?.contains("it speaks protocol 99") == true,
            "\(String(describing: host.statuses().first?.lastError))")
        await host.stop()
    }

    @Test("reload: a failed plugin whose script was fixed starts again")
    func reloadFixes() async throws {
        let dir = try TemporaryDirectory("plugin-reload")
        try writePlugin(dir, name: "phoenix", script: "#!/bin/sh\nexit 1\n", language: "sh")
        let (host, stage) = try pluginStage(dir, "phoenix")
        host.start()
        #expect(await waitUntil(timeout: .seconds(60)) { host.statuses().first?.state == "failed" })
        try writePlugin(
            dir, name: "phoenix",
            script: """
                #!/bin/sh
                read -r hello
                echo '{"hello":{"protocol":1}}'
                while read -r line; do
                    id="${line#\\{\\"id\\":}"; id="${id%%,*}"
                    echo "{\\"id\\":$id,\\"action\\":\\"drop\\",\\"reason\\":\\"risen\\"}"
                done
                """, language: "sh")
        host.reload()
        #expect(await waitUntil(timeout: .seconds(30)) { host.statuses().first?.state == "running" })
        guard case .dropped(let reason) = await run(stage, article("x")) else {
            Issue.record("expected a drop")
            return
        }
        #expect(reason == "risen")
        await host.stop()
    }
}
