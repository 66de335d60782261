import Foundation
import IngestCore
import IngestTestKit
import Testing

@testable import IngestPlugins

@Suite("the example plugins in plugins/examples")
struct ExampleTests {
    private func exampleStage(_ name: String, settings: [String: ConfigValue] = [:]) throws -> (PluginHost, PluginStage)
    {
        let host = PluginHost(
            configuration: PluginsConfiguration(directories: [examplesDirectory]),
            stagesValues: [name: .table(settings)],
            logger: quiet)
        let problems = ConfigProblems()
        let section = ConfigSection(path: "stages.\(name)", values: settings, problems: problems)
        let stage = try #require(
            host.makeStage(named: name, section: section, context: StageContext(stateDirectory: "/tmp"))
                as? PluginStage, "\(problems.items)")
        return (host, stage)
    }

    @Test("redact (Python): e-mail addresses and phone numbers in title and text, dates and prices kept")
    func redact() async throws {
        let (host, stage) = try exampleStage("redact")
        let cases: [(title: String, text: String, expectedTitle: String, expectedText: String)] = [
            (
                "Call +44 20 7946 0958 now", "Mail jane.doe@example.org or ring (020) 7946-0958.",
                "Call [phone] now", "Mail [email] or ring [phone]."
            ),
            (
                "Budget 2024 approved", "The council spent 1,250,000 on 12 March 2024; ask press@council.gov.uk.",
                "Budget 2024 approved", "The council spent 1,250,000 on 12 March 2024; ask [email]."
            ),
            (
                "Nothing here", "Plain text with no contact details at all.", "Nothing here",
                "Plain text with no contact details at all."
            ),
            ("US line", "Call 555-123-4567 or 555.987.6543 today.", "US line", "Call [phone] or [phone] today."),
        ]
        for c in cases {
            let result = await run(stage, article(c.text, title: c.title))
            let out = try #require(result.article, "\(result)")
            #expect(out.title == c.expectedTitle)
            #expect(out.text == c.expectedText)
        }
        let status = try #require(host.statuses().first)
        #expect(status.state == "running")
        #expect(status.counts["continued"] == cases.count)
        #expect(status.counts["errors"] == 0)
        await host.stop()
        #expect(host.statuses().first?.state == "stopped")
    }

    @Test("redact reads its masks from its [stages.redact] settings")
    func redactSettings() async throws {
        let (host, stage) = try exampleStage("redact", settings: ["email_mask": .string("<hidden>")])
        let out = try #require(await run(stage, article("Write to a.b@example.com today.")).article)
        #expect(out.text == "Write to <hidden> today.")
        await host.stop()
    }

    @Test("screen (shell): drops articles with the word, adds a field to the others")
    func screen() async throws {
        let (host, stage) = try exampleStage("screen")
        let kept = try #require(await run(stage, article("A plain story about the harbour.", title: "Harbour")).article)
        #expect(kept.fields["screened"] == "passed")
        #expect(kept.text == "A plain story about the harbour.")
        let dropped = await run(stage, article("This advertorial sells boats.", title: "Boats"))
        guard case .dropped(let reason) = dropped else {
            Issue.record("expected a drop, got \(dropped)")
            return
        }
        #expect(reason == "mentions advertorial")
        #expect(host.statuses().first?.counts["dropped"] == 1)
        await host.stop()
    }
}
