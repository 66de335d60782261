import StageClean
import Foundation
import IngestCore
import Testing

@Suite("normalisation")
struct NormalisationTests {
    @Test(
        "text is normalised",
        arguments: [
            ("<p>Caf&eacute; &amp; bar &#8212; &lt;ok&gt;</p>", "Café & bar — <ok>"),
            ("<p>Cafe\u{301} decomposed</p>", "Café decomposed"),  // NFC
            ("<p>zero\u{200B}width\u{FEFF} soft\u{00AD}hyphen\u{2060}</p>", "zerowidth softhyphen"),
            ("<p>control\u{0007}\u{0085} chars</p>", "control chars"),
            ("<p>  lots \n\t of\u{00A0}\u{2003}space  </p>", "lots of space"),
            ("<p>line<br>break</p>", "line\nbreak"),
            ("<p>one</p><p></p><p>  </p><p>two</p>", "one\n\ntwo"),
            ("<p>keeps \u{200D}joiners\u{200C}</p>", "keeps \u{200D}joiners\u{200C}"),
        ])
    func normalised(_ html: String, _ expected: String) throws {
        let article = try #require(try Clean.page("<html><body>\(html)</body></html>").article)
        #expect(article.text == expected)
    }

    @Test("plain text and Markdown articles are normalised too")
    func textFormats() throws {
        let text = try Clean.decoded("Title line\n\nfirst  para\u{200B}graph\nsame paragraph\n\n\n\nsecond\u{0007} one\n", format: .text)
        let cleaned = try #require(try CleanStage().clean(text).article)
        #expect(cleaned.text == "first paragraph\nsame paragraph\n\nsecond one")
        let markdown = try Clean.decoded("# Heading\n\nSome *emphasis* and a [link](http://x.example/).\n", format: .markdown)
        let cleanedMarkdown = try #require(try CleanStage().clean(markdown).article)
        #expect(!cleanedMarkdown.text.contains("*"))
        #expect(cleanedMarkdown.text.contains("emphasis"))
        #expect(cleanedMarkdown.text == cleanedMarkdown.text.precomposedStringWithCanonicalMapping)
    }

    @Test("the title is normalised")
    func title() throws {
        let article = try #require(try Clean.page("<html><head><title>  Harbour\u{200B}   news </title></head><body><p>Text here.</p></body></html>").article)
        #expect(article.title == "Harbour news")
    }

    @Test("main-content html: links absolute, tracking parameters gone, nothing executable")
    func sanitisedHTML() throws {
        var configuration = CleanStage.Configuration()
        configuration.html = .main
        let html = """
            <html><body><article class="post">
            <p onclick="steal()" style="color:red">Read the <a href="/report.pdf?utm_source=feed&amp;utm_medium=rss&amp;page=2">full report</a>
            or the <a href="notes.html?fbclid=abc">notes</a>, with a <a href="javascript:alert(1)">bad link</a>,
            which the harbour office published on Friday after the storm had passed and the ships had gone.</p>
            <img src="map.png" alt="Map" onerror="x()"><script>alert(1)</script>
            </article></body></html>
            """
        let article = try #require(try Clean.page(html, url: "https://news.example/2026/harbour/story.html", configuration: configuration).article)
        let out = try #require(article.html)
        #expect(out.contains("href=\"https://news.example/report.pdf?page=2\""))
        #expect(out.contains("href=\"https://news.example/2026/harbour/notes.html\""))
        #expect(out.contains("src=\"https://news.example/2026/harbour/map.png\""))
        for bad in ["onclick", "style", "javascript", "script", "onerror", "utm_", "fbclid"] {
            #expect(!out.contains(bad), "kept \(bad)")
        }
        #expect(out.contains("<a>bad link</a>"))
    }

    @Test("main-content html: kept elements are written by their names, void ones without a closing tag")
    func elementNames() throws {
        let html = """
            <html><body><article>
            <h2>Tides</h2><p>The <abbr title="Harbour Office">HO</abbr> set <var>h</var> to <kbd>4.2</kbd> metres,<br>the
            <em>highest</em> mark since the office began keeping records of the tides in the harbour.</p><hr>
            </article></body></html>
            """
        var configuration = CleanStage.Configuration()
        configuration.html = .main
        let out = try #require(try Clean.page(html, configuration: configuration).article?.html)
        for written in ["<h2>Tides</h2>", "<abbr title=\"Harbour Office\">HO</abbr>", "<var>h</var>", "<kbd>4.2</kbd>", "<br>",
                        "<em>highest</em>", "<hr>"] {
            #expect(out.contains(written), "\(written) in \(out)")
        }
        #expect(!out.contains("</br>") && !out.contains("</hr>") && !out.contains("`"))
    }

    @Test("html = none removes it")
    func htmlNone() throws {
        var configuration = CleanStage.Configuration()
        configuration.html = .none
        let article = try #require(try Clean.page(storyPage, configuration: configuration).article)
        #expect(article.html == nil)
    }
}
