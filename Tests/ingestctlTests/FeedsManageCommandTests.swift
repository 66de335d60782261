import Foundation
import IngestTestKit
import Testing

@Suite("ingestctl feeds add, remove, import, list")
struct FeedsManageCommandTests {
    /// One line of `feeds list --json`, decoded on its own as a user's script would.
    struct Listing: Decodable, Equatable {
        var name: String
        var url: String
        var origin: String
        var intervalSecs: Int?
        var health: String?
        var lastError: String?
        var consecutiveErrors: Int
        var nextPollAt: String?
        var warnings: [String]
    }

    /// A temporary state folder with a config that points there and watches no folder.
    struct Setup {
        let dir: TemporaryDirectory
        let config: String
        var database: String { dir.file("state/ingestd.db") }

        init() throws {
            dir = try TemporaryDirectory("ctl-feeds-manage")
            config = try dir.write("ingestd.toml", """
                [daemon]
                state_dir = "\(dir.path)/state"
                [sources]
                """)
        }

        func run(_ arguments: [String]) throws -> ProcessResult {
            try ingestctl(arguments + ["--config", config], in: dir.path)
        }

        func list() throws -> [Listing] {
            let result = try run(["feeds", "list", "--json"])
            #expect(result.status == 0, "\(result.stderr)")
            return try result.stdout.split(separator: "\n").map { line in
                try JSONDecoder().decode(Listing.self, from: Data(line.utf8))
            }
        }
    }

    @Test("add stores a feed named after its URL")
    func add() throws {
        let setup = try Setup()
        defer { setup.dir.remove() }
        let result = try setup.run(["feeds", "add", "HTTPS://www.Harbour.example/news/feed.xml"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == """
            added feed 'harbour.example-news-feed.xml' (https://www.harbour.example/news/feed.xml, every 900 s)

            """)
        #expect(FileManager.default.fileExists(atPath: setup.database), "add creates the database when missing")

        let named = try setup.run(["feeds", "add", "http://tides.example/atom", "--name", "  Tide   tables ", "--interval", "3600"])
        #expect(named.status == 0, "\(named.stderr)")
        #expect(try setup.list() == [
            Listing(
                name: "Tide tables", url: "http://tides.example/atom", origin: "cli", intervalSecs: 3600, health: nil,
                lastError: nil, consecutiveErrors: 0, nextPollAt: nil, warnings: []),
            Listing(
                name: "harbour.example-news-feed.xml", url: "https://www.harbour.example/news/feed.xml", origin: "cli",
                intervalSecs: 900, health: nil, lastError: nil, consecutiveErrors: 0, nextPollAt: nil, warnings: []),
        ])
    }

    @Test("a taken name or URL is refused, naming which")
    func duplicates() throws {
        let setup = try Setup()
        defer { setup.dir.remove() }
        #expect(try setup.run(["feeds", "add", "https://harbour.example/feed", "--name", "harbour"]).status == 0)

        let sameName = try setup.run(["feeds", "add", "https://other.example/feed", "--name", "harbour"])
        #expect(sameName.status == 1)
        #expect(sameName.stderr.contains("a feed named 'harbour' already exists; choose another with --name"))

        // Scheme and host are compared without case.
        let sameURL = try setup.run(["feeds", "add", "HTTPS://HARBOUR.example/feed", "--name", "copy"])
        #expect(sameURL.status == 1)
        #expect(sameURL.stderr.contains("feed 'harbour' already has the URL https://harbour.example/feed"))
        #expect(try setup.list().map(\.name) == ["harbour"])
    }

    @Test("bad input is refused with a usage error", arguments: [
        (["feeds", "add", "ftp://harbour.example/feed"], "only http and https feeds are supported, not ftp"),
        (["feeds", "add", "file:///etc/passwd"], "only http and https feeds are supported, not file"),
        (["feeds", "add", "harbour.example/feed"], "is not a URL"),
        (["feeds", "add", "https://harbour.example/feed", "--interval", "5"], "--interval must be within 60…604800 seconds"),
        (["feeds", "add", "https://harbour.example/feed", "--name", " "], "the feed name must not be empty"),
    ])
    func badInput(arguments: [String], message: String) throws {
        let setup = try Setup()
        defer { setup.dir.remove() }
        let result = try setup.run(arguments)
        #expect(result.status == 64)
        #expect(result.stderr.contains(message), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: setup.database), "nothing written for a refused command")
    }

    @Test("list without a daemon says it reads the database, and shows nothing before any feed was added")
    func listEmpty() throws {
        let setup = try Setup()
        defer { setup.dir.remove() }
        let result = try setup.run(["feeds", "list", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "")
        #expect(result.stderr == "ingestctl: ingestd is not running; feeds list shows the config and what the database \(setup.database) last saved\n")
        #expect(!FileManager.default.fileExists(atPath: setup.database), "list must not create a database")

        #expect(try setup.run(["feeds", "add", "https://harbour.example/feed"]).status == 0)
        // Output to a pipe is JSON lines without --json, like the other listing commands.
        let piped = try setup.run(["feeds", "list"])
        #expect(piped.status == 0, "\(piped.stderr)")
        let line = try JSONDecoder().decode(Listing.self, from: Data(piped.stdout.utf8))
        #expect(line.name == "harbour.example-feed")
        #expect(line.health == nil, "never polled yet")
    }

    @Test("remove deletes an added feed; an unknown name exits 1")
    func remove() throws {
        let setup = try Setup()
        defer { setup.dir.remove() }
        #expect(try setup.run(["feeds", "add", "https://harbour.example/feed", "--name", "harbour"]).status == 0)
        #expect(try setup.run(["feeds", "add", "https://tides.example/feed", "--name", "tides"]).status == 0)

        let removed = try setup.run(["feeds", "remove", "harbour"])
        #expect(removed.status == 0, "\(removed.stderr)")
        #expect(removed.stdout == "removed feed 'harbour'\n")
        #expect(try setup.list().map(\.name) == ["tides"])

        let again = try setup.run(["feeds", "remove", "harbour"])
        #expect(again.status == 1)
        #expect(again.stderr.contains("no added feed named 'harbour'"))
        // The URL is free again.
        #expect(try setup.run(["feeds", "add", "https://harbour.example/feed"]).status == 0)
    }

    static let opml = """
        <?xml version="1.0" encoding="UTF-8"?>
        <opml version="2.0">
          <head><title>My subscriptions</title></head>
          <body>
            <outline text="News" title="News">
              <outline type="rss" text="Harbour News" title="Harbour News" xmlUrl="https://harbour.example/feed.xml" htmlUrl="https://harbour.example/"/>
              <outline text="Regional">
                <outline type="rss" text="Tides &amp; Weather" xmlUrl="https://tides.example/atom"/>
                <outline type="rss" title="Harbour News" xmlURL="https://harbour.example/other.xml"/>
              </outline>
            </outline>
            <outline type="rss" text="Already added" xmlUrl="https://ALREADY.example/rss"/>
            <outline type="rss" text="Harbour again" xmlUrl="https://harbour.example/feed.xml#top"/>
            <outline type="rss" xmlurl="http://bare.example/rss?cat=world"/>
            <outline type="rss" text="Gopher" xmlUrl="gopher://old.example/feed"/>
          </body>
        </opml>
        """

    @Test("import adds every outline with an xmlUrl, nested ones too, and skips duplicates")
    func importOPML() throws {
        let setup = try Setup()
        defer { setup.dir.remove() }
        #expect(try setup.run(["feeds", "add", "https://already.example/rss", "--name", "already"]).status == 0)
        let file = try setup.dir.write("subscriptions.opml", Self.opml)

        let result = try setup.run(["feeds", "import", file, "--interval", "1800"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == """
            added feed 'Harbour News' (https://harbour.example/feed.xml)
            added feed 'Tides & Weather' (https://tides.example/atom)
            added feed 'Harbour News-2' (https://harbour.example/other.xml)
            added feed 'bare.example-rss-cat-world' (http://bare.example/rss?cat=world)
            \(file): 4 added, 2 skipped as duplicates, 1 skipped as invalid

            """)
        #expect(result.stderr.contains("skipped gopher://old.example/feed: 'gopher://old.example/feed': only http and https"))

        let listed = try setup.list()
        #expect(listed.map(\.name) == ["Harbour News", "Harbour News-2", "Tides & Weather", "already", "bare.example-rss-cat-world"])
        #expect(listed.filter { $0.name != "already" }.allSatisfy { $0.intervalSecs == 1800 })

        // Importing the same file again adds nothing.
        let again = try setup.run(["feeds", "import", file])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stdout == "\(file): 0 added, 6 skipped as duplicates, 1 skipped as invalid\n")
    }

    @Test("import refuses a file that is not OPML, and never reads external entities")
    func importRefuses() throws {
        let setup = try Setup()
        defer { setup.dir.remove() }
        let notXML = try setup.dir.write("broken.opml", "<opml><body><outline xmlUrl='https://a.example/'>")
        let broken = try setup.run(["feeds", "import", notXML])
        #expect(broken.status == 1)
        #expect(broken.stderr.contains("\(notXML): not well-formed XML"))
        #expect(try setup.list() == [], "nothing imported from a truncated file")

        let rss = try setup.dir.write("feed.opml", "<rss><channel><title>x</title></channel></rss>")
        let notOPML = try setup.run(["feeds", "import", rss])
        #expect(notOPML.status == 1)
        #expect(notOPML.stderr.contains("\(rss): not an OPML document (no <opml> root)"))

        // XXE: an entity naming a local file must not put its content anywhere.
        let secret = try setup.dir.write("secret.txt", "TOP-SECRET-7731")
        let xxe = try setup.dir.write("xxe.opml", """
            <?xml version="1.0"?>
            <!DOCTYPE opml [<!ENTITY leak SYSTEM "file://\(secret)">]>
            <opml version="2.0"><body>
              <outline title="x&leak;y" text="x&leak;y" xmlUrl="https://xxe.example/feed"/>
            </body></opml>
            """)
        let result = try setup.run(["feeds", "import", xxe])
        // Foundation on Linux refuses the document at the entity it does not load; an import without the
        // entity's text would be as safe.
        #expect(result.status == 0 || result.stderr.contains("entities declared in the file are never read"), "\(result.stderr)")
        let listing = try setup.run(["feeds", "list", "--json"])
        for output in [result.stdout, result.stderr, listing.stdout, listing.stderr] {
            #expect(!output.contains("TOP-SECRET-7731"))
        }
    }
}
