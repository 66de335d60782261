import StageClean
import Foundation
import IngestCore
import Testing

@Suite("configuration")
struct ConfigurationTests {
    static var sampleURL: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../plugins/clean/clean.toml")
            .standardized
    }

    @Test("the sample clean.toml parses without problems and states the defaults")
    func sample() throws {
        let text = try String(contentsOf: Self.sampleURL, encoding: .utf8)
        let (configuration, problems) = Clean.configuration(text)
        #expect(problems.isEmpty)
        #expect(configuration == CleanStage.Configuration())
    }

    @Test("every key the README documents is in the sample")
    func readmeKeys() throws {
        let sample = try String(contentsOf: Self.sampleURL, encoding: .utf8)
        let readme = try String(contentsOf: Self.sampleURL.deletingLastPathComponent().appendingPathComponent("README.md"), encoding: .utf8)
        for key in ["html", "thin_page_words", "max_html_bytes", "tracking_params"] {
            #expect(sample.contains("\(key) ="), "\(key) missing from clean.toml")
            #expect(readme.contains("`\(key)`"), "\(key) missing from README.md")
        }
    }

    @Test(
        "bad values are reported with their key path",
        arguments: [
            ("html = \"all\"", "stages.clean.html"),
            ("thin_page_words = -1", "stages.clean.thin_page_words"),
            ("max_html_bytes = \"big\"", "stages.clean.max_html_bytes"),
            ("tracking_params = [\"*\"]", "stages.clean.tracking_params[0]"),
            ("colour = true", "stages.clean.colour"),
        ])
    func problems(_ line: String, _ path: String) {
        let (_, problems) = Clean.configuration("[stages.clean]\n\(line)\n")
        #expect(problems.contains { $0.hasPrefix(path) }, "\(problems)")
    }

    @Test("values are read")
    func values() {
        let (configuration, problems) = Clean.configuration(
            "[stages.clean]\nhtml = \"main\"\nthin_page_words = 10\nmax_html_bytes = 2048\ntracking_params = [\"ref\", \"x_*\"]\n")
        #expect(problems.isEmpty)
        #expect(configuration.html == .main)
        #expect(configuration.thinPageWords == 10)
        #expect(configuration.maxHTMLBytes == 2048)
        #expect(configuration.trackingParams == ["ref", "x_*"])
    }
}
