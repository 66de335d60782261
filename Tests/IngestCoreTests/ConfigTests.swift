import Foundation
import IngestCore
import Testing

@Suite("configuration reading")
struct ConfigTests {
    @Test("TOML syntax errors give the line and column")
    func syntax() {
        #expect {
            try TOMLReader.parse("[daemon]\nworkers = = 2\n", file: "x.toml")
        } throws: { error in
            let text = "\(error)"
            return text.contains("x.toml: line 2")
        }
    }

    @Test("every problem of a section is reported at once with its key path")
    func allProblems() throws {
        let values = try TOMLReader.parse(
            """
            [daemon]
            workers = 0
            log_level = "loud"
            state_dir = 5
            wokers = 2
            """, file: "x")
        let problems = ConfigProblems()
        let root = ConfigSection(path: "", values: values, problems: problems)
        let daemon = DaemonConfiguration(from: root.section("daemon"))
        #expect(daemon.workers == 2)
        #expect(problems.items.map(\.description) == [
            "daemon.state_dir: expected a string, found integer",
            "daemon.workers: 0 is out of range 1…64",
            "daemon.log_level: 'loud' is not one of 'trace', 'debug', 'info', 'notice', 'warning', 'error', 'critical'",
            "daemon.wokers: unknown key",
        ])
    }

    @Test("relative paths are taken inside the state directory")
    func paths() throws {
        let problems = ConfigProblems()
        let values = try TOMLReader.parse("[daemon]\nstate_dir = \"/srv/x\"\n[store]\npath = \"db/i.db\"", file: "x")
        let root = ConfigSection(path: "", values: values, problems: problems)
        let daemon = DaemonConfiguration(from: root.section("daemon"))
        let store = StoreConfiguration(from: root.section("store"), daemon: daemon)
        #expect(store.path == "/srv/x/db/i.db")
        #expect(daemon.controlSocket == "/srv/x/control.sock")
        #expect(problems.items.isEmpty)
    }
}

@Suite("support")
struct SupportTests {
    @Test("SHA-256 matches the FIPS 180-4 test vectors")
    func sha256() {
        #expect(SHA256.hex(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hex([UInt8]()) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(
            SHA256.hex(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }

    @Test("dates in RFC 3339 and RFC 822 forms, and unparseable ones", arguments: [
        ("2024-03-22T18:00:00Z", 1_711_130_400.0),
        ("2024-03-22T21:00:00+03:00", 1_711_130_400.0),
        ("2024-03-22 18:00:00", 1_711_130_400.0),
        ("Fri, 22 Mar 2024 18:00:00 GMT", 1_711_130_400.0),
        ("22 Mar 2024 13:00:00 -0500", 1_711_130_400.0),
        ("Fri, 22 March 2024 18:00 +0000", 1_711_130_400.0),
    ])
    func dates(text: String, expected: Double) {
        #expect(DateParsing.parse(text)?.timeIntervalSince1970 == expected)
    }

    @Test("an unparseable date is not invented", arguments: ["yesterday", "2024-13-01", "", "Fri, 99 Foo 2024"])
    func badDates(text: String) {
        #expect(DateParsing.parse(text) == nil)
    }
}

@Suite("SHA-256 across block boundaries")
struct SHA256BoundaryTests {
    @Test("feeding the same bytes in pieces gives the same digest as at once", arguments: [0, 1, 55, 56, 63, 64, 65, 127, 128, 1000])
    func pieces(length: Int) {
        let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        var whole = SHA256()
        whole.update(bytes)
        var pieces = SHA256()
        var i = 0
        var step = 1
        while i < bytes.count {
            let end = min(bytes.count, i + step)
            pieces.update(bytes[i..<end])
            i = end
            step = step % 70 + 13
        }
        #expect(whole.finalize() == pieces.finalize())
    }

    @Test("a million 'a's (FIPS 180-4)")
    func million() {
        #expect(SHA256.hex([UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }
}
