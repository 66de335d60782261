import Foundation
import IngestCore
import StageExtract
import Testing

@Suite("page metadata")
struct PageMetadataTests {
    let story = "<p>" + String(repeating: "The council met on Tuesday to discuss the new bridge over the river. ", count: 8) + "</p>"

    @Test("JSON-LD: headline, author object, dates, publisher, image")
    func jsonLD() throws {
        let head = """
            <title>Something else | Daily Planet</title>
            <script type="application/ld+json">
            {"@context": "https://schema.org", "@type": "NewsArticle", "headline": "Bridge vote delayed again",
             "author": {"@type": "Person", "name": "Lois Lane"}, "datePublished": "2024-03-22T18:05:00+03:00",
             "dateModified": "2024-03-23T09:00:00Z", "publisher": {"@type": "Organization", "name": "Daily Planet"},
             "image": {"@type": "ImageObject", "url": "https://example.org/bridge.jpg"},
             "description": "The council put off its decision."}
            </script>
            """
        let article = try Extract.page(Extract.html(head: head, body: story))
        #expect(article.title == "Bridge vote delayed again")
        #expect(article.metadata.sources["title"] == "json-ld")
        #expect(article.authors == ["Lois Lane"])
        #expect(article.published == "2024-03-22T18:05:00+03:00")
        #expect(article.publishedAt == Date(timeIntervalSince1970: 1_711_119_900))
        #expect(article.metadata.modified == "2024-03-23T09:00:00Z")
        #expect(article.metadata.siteName == "Daily Planet")
        #expect(article.metadata.image == "https://example.org/bridge.jpg")
        #expect(article.metadata.description == "The council put off its decision.")
    }

    @Test("JSON-LD: an @graph with the author given by @id, and an array of authors")
    func jsonLDGraph() throws {
        let head = """
            <script type="application/ld+json">
            {"@context": "https://schema.org", "@graph": [
              {"@type": "WebSite", "@id": "https://example.org/#site", "name": "Example News"},
              {"@type": "Person", "@id": "https://example.org/#jane", "name": "Jane Doe"},
              {"@type": ["Article", "NewsArticle"], "headline": "Floods close the valley road",
               "author": [{"@id": "https://example.org/#jane"}, {"@type": "Person", "name": "John Roe"}],
               "datePublished": "2023-11-05"}
            ]}
            </script>
            """
        let article = try Extract.page(Extract.html(head: head, body: story))
        #expect(article.title == "Floods close the valley road")
        #expect(article.authors == ["Jane Doe", "John Roe"])
        #expect(article.publishedAt == DateParsing.parse("2023-11-05T00:00:00Z"))
    }

    @Test("a top-level JSON-LD array of nodes")
    func jsonLDArray() throws {
        let head = """
            <script type="application/ld+json">[{"@type": "BreadcrumbList"},
              {"@type": "BlogPosting", "headline": "Notes on sourdough", "author": "Ann Baker"}]</script>
            """
        let article = try Extract.page(Extract.html(head: head, body: story))
        #expect(article.title == "Notes on sourdough")
        #expect(article.authors == ["Ann Baker"])
    }

    @Test("OpenGraph: title, site, description, image, canonical URL")
    func openGraph() throws {
        let head = """
            <meta property="og:title" content="Harbour reopens after storm">
            <meta property="og:site_name" content="Coast Herald">
            <meta property="og:description" content="Boats returned on Monday.">
            <meta property="og:image" content="https://example.org/harbour.jpg">
            <link rel="canonical" href="https://example.org/news/harbour">
            """
        let article = try Extract.page(Extract.html(head: head, body: story))
        #expect(article.title == "Harbour reopens after storm")
        #expect(article.metadata.sources["title"] == "og")
        #expect(article.metadata.siteName == "Coast Herald")
        #expect(article.metadata.description == "Boats returned on Monday.")
        #expect(article.metadata.image == "https://example.org/harbour.jpg")
        #expect(article.metadata.canonicalURL == "https://example.org/news/harbour")
    }

    @Test("<title> loses the site's suffix", arguments: [
        ("Harbour reopens after storm | Coast Herald", "Harbour reopens after storm"),
        ("Harbour reopens after storm - Coast Herald", "Harbour reopens after storm"),
        ("Coast Herald | Harbour reopens after storm", "Harbour reopens after storm"),
    ])
    func titleSuffix(title: String, expected: String) throws {
        let head = "<title>\(title)</title><meta property=\"og:site_name\" content=\"Coast Herald\">"
        let article = try Extract.page(Extract.html(head: head, body: story))
        #expect(article.title == expected)
    }

    @Test("<title> without a known site: a short last segment goes when the h1 agrees")
    func titleAgreesWithH1() throws {
        let head = "<title>Harbour reopens after storm - CH</title>"
        let article = try Extract.page(Extract.html(head: head, body: "<h1>Harbour reopens after storm</h1>" + story))
        #expect(article.title == "Harbour reopens after storm")
    }

    @Test("the main h1 when the page has no other title")
    func h1() throws {
        let article = try Extract.page(Extract.html(body: "<h1>Library extends its hours</h1>" + story))
        #expect(article.title == "Library extends its hours")
        #expect(article.metadata.sources["title"] == "h1")
    }

    @Test("title by agreement: two sources beat a lone JSON-LD headline")
    func titleAgreement() throws {
        let head = """
            <title>Hermit crabs - Encyclopedia</title>
            <script type="application/ld+json">{"@type": "Article", "headline": "superfamily of crustaceans"}</script>
            """
        let article = try Extract.page(Extract.html(head: head, body: "<h1>Hermit crabs</h1>" + story))
        #expect(article.title == "Hermit crabs")
    }

    @Test("meta name=author")
    func metaAuthor() throws {
        let article = try Extract.page(Extract.html(head: "<meta name=\"author\" content=\"Maria Silva\">", body: story))
        #expect(article.authors == ["Maria Silva"])
        #expect(article.metadata.sources["authors"] == "meta")
    }

    @Test("rel=author link and itemprop=author with a nested name")
    func relAuthor() throws {
        let rel = try Extract.page(Extract.html(body: "<p class=x><a rel=\"author\" href=\"/u/tk\">Tomas Klein</a></p>" + story))
        #expect(rel.authors == ["Tomas Klein"])
        let microdata = try Extract.page(Extract.html(body: """
            <div itemprop="author" itemscope><span itemprop="name">Ines Moreau</span><span>Staff</span></div>
            """ + story))
        #expect(microdata.authors == ["Ines Moreau"])
    }

    @Test("a byline element: words around the names removed, several names split")
    func bylineElement() throws {
        let article = try Extract.page(Extract.html(body: "<div class=\"byline\">By Jane Doe and John Roe | March 3, 2024</div>" + story))
        #expect(article.authors == ["Jane Doe", "John Roe"])
    }

    @Test("a byline line in the text of a plain-text file")
    func bylineInText() throws {
        let article = try Extract.text("Ferry service resumes\n\nBy Priya Natarajan\n\nThe ferry returned to service on Monday after repairs to its engine were finished.")
        #expect(article.authors == ["Priya Natarajan"])
        #expect(article.metadata.sources["authors"] == "text")
    }

    @Test("a URL, an e-mail address or a site's name is no author", arguments: [
        "<meta property=\"article:author\" content=\"https://www.facebook.com/someone\">",
        "<meta name=\"author\" content=\"editor@example.org\">",
        "<meta name=\"author\" content=\"Coast Herald\"><meta property=\"og:site_name\" content=\"Coast Herald\">",
        "<meta name=\"author\" content=\"admin\">",
    ])
    func rejectedAuthors(head: String) throws {
        let article = try Extract.page(Extract.html(head: head, body: story))
        #expect(article.authors.isEmpty)
    }

    @Test("<time datetime> and article:published_time")
    func timeElement() throws {
        let time = try Extract.page(Extract.html(body: "<time datetime=\"2022-06-01T08:30:00+02:00\">1 June</time>" + story))
        #expect(time.published == "2022-06-01T08:30:00+02:00")
        #expect(time.publishedAt == DateParsing.parse("2022-06-01T06:30:00Z"))
        #expect(time.metadata.sources["published"] == "time")
        let meta = try Extract.page(Extract.html(head: "<meta property=\"article:published_time\" content=\"2021-01-15T10:00:00Z\">", body: story))
        #expect(meta.publishedAt == DateParsing.parse("2021-01-15T10:00:00Z"))
        #expect(meta.metadata.sources["published"] == "meta")
    }

    @Test("the date in the URL")
    func dateInURL() throws {
        let article = try Extract.page(Extract.html(body: story), url: "https://example.org/2019/07/04/fireworks-canceled/")
        #expect(article.published == "2019-07-04")
        #expect(article.publishedAt == DateParsing.parse("2019-07-04T00:00:00Z"))
        #expect(article.metadata.sources["published"] == "url")
    }

    @Test("a date line in the text; a sentence that mentions a date is not one")
    func dateLine() throws {
        let article = try Extract.text("Ferry service resumes\n\nPublished March 22, 2024 at 10:05 pm\n\nThe ferry returned to service on Monday after repairs.")
        #expect(article.publishedAt == DateParsing.parse("2024-03-22T22:05:00Z"))
        #expect(article.metadata.sources["published"] == "text")
        let sentence = try Extract.text("Ferry service resumes\n\nIt first sailed on May 2, 2001.\n\nThe ferry returned to service on Monday after repairs.")
        #expect(sentence.publishedAt == nil)
    }

    @Test("word count, reading time and a lead summary")
    func lengthAndSummary() throws {
        let text = "Storm closes harbour\n\n" + String(repeating: "Waves broke over the wall all night long. ", count: 50)
        let article = try Extract.text(text)
        #expect(article.metadata.wordCount == 400)
        #expect(article.metadata.readingMinutes == 2)
        #expect(article.metadata.summary == "Waves broke over the wall all night long. Waves broke over the wall all night long. Waves broke over the wall all night long.")
        var one = ExtractStage.Configuration()
        one.summarySentences = 1
        #expect(try Extract.text(text, configuration: one).metadata.summary == "Waves broke over the wall all night long.")
    }

    @Test("a lead sentence does not end at an abbreviation or an initial; closing quotes stay with it")
    func sentenceEnds() throws {
        var one = ExtractStage.Configuration()
        one.summarySentences = 1
        let text = "Ferry news\n\nMr. Brandt of the U.S. firm said \"the J. Smith ferry sails at noon.\" It was late again today."
        #expect(try Extract.text(text, configuration: one).metadata.summary == "Mr. Brandt of the U.S. firm said \"the J. Smith ferry sails at noon.\"")
    }

    @Test("a central summary picks the sentences most like the rest")
    func centralSummary() throws {
        var configuration = ExtractStage.Configuration()
        configuration.summaryMethod = "central"
        configuration.summarySentences = 1
        let text = """
            Budget talks

            The weather was mild and the square was full of tourists that morning.

            The city budget cuts library funding and park funding this year. Council members argued over the \
            budget cuts to library funding. The mayor defended the budget and the funding cuts.
            """
        let article = try Extract.text(text, configuration: configuration)
        #expect(article.metadata.summary?.contains("budget") == true)
        #expect(article.metadata.summary?.contains("weather") == false)
    }
}
