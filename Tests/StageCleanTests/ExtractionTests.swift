import StageClean
import Foundation
import IngestCore
import Testing

@Suite("main content")
struct ExtractionTests {
    @Test("keeps the story's paragraphs and nothing of the chrome around them")
    func storyOnly() throws {
        let article = try #require(try Clean.page(storyPage).article)
        let paragraphs = article.text.components(separatedBy: "\n\n")
        // The h1 repeats the title: it is the article's title, not a paragraph of its text.
        #expect(paragraphs.count == 3)
        #expect(paragraphs[0].hasPrefix("Ships sailed again on Friday"))
        #expect(paragraphs[2].hasSuffix("exposed to the next gale."))
        for junk in ["cookies", "Home", "Most read", "Share on", "comments", "First!", "Related", "rights reserved",
            "By Jane Doe", "tracking", "color"]
        {
            #expect(!article.text.contains(junk), "kept \(junk)")
        }
        #expect(article.title == "Harbour reopens after storm | The Coast Herald")
    }

    @Test("keeps headings that are not the title")
    func headingsKept() throws {
        let html = "<html><head><title>Harbour news</title></head><body><article><h1>Harbour news</h1><h2>Repairs start in May</h2>"
            + "<p>The council will meet on Monday to discuss repairs to the northern breakwater, which the waves tore open.</p></article></body></html>"
        let text = try #require(try Clean.page(html).article).text
        #expect(text == "Repairs start in May\n\nThe council will meet on Monday to discuss repairs to the northern breakwater, which the waves tore open.")
    }

    @Test("by default the html is the sanitised main content; `html = \"page\"` keeps the whole page")
    func htmlByDefault() throws {
        let article = try #require(try Clean.page(storyPage).article)
        let html = try #require(article.html)
        #expect(!html.contains("<title>") && !html.contains("<script") && html.contains("<p>"))
        let (configuration, _) = Clean.configuration("[stages.clean]\nhtml = \"page\"\n")
        let kept = try #require(try Clean.page(storyPage, configuration: configuration).article)
        #expect(kept.html == storyPage)
    }

    @Test("a short page with no signs of an error is a short article, not junk")
    func shortPageKept() throws {
        let article = try #require(try Clean.page("<html><head><title>Story 7</title></head><body><p>Body 7</p></body></html>").article)
        #expect(article.text == "Body 7")
    }

    @Test("lists come out as items, tables as rows with cells")
    func listsAndTables() throws {
        let html = """
            <html><body><div class="content">
            <p>The results of the regatta, with the crews that sailed in every race of the week, are listed below for the record.</p>
            <ul><li>Blue Heron</li><li>Sea <b>Lark</b></li><li></li></ul>
            <ul class="features"><li><h3>Winner</h3><p>Blue Heron, by four minutes.</p></li></ul>
            <ol><li>First</li><li>Second</li></ol>
            <table><tr><th>Boat</th><th>Time</th></tr><tr><td>Blue Heron</td><td>1:02:03</td></tr></table>
            <pre>line one
              line two</pre>
            </div></body></html>
            """
        let text = try #require(try Clean.page(html).article).text
        #expect(text.contains("- Blue Heron\n\n- Sea Lark\n\n"))
        #expect(text.contains("- Winner\n\nBlue Heron, by four minutes."))
        #expect(!text.contains("-\n"))
        #expect(text.contains("1. First\n\n2. Second"))
        #expect(text.contains("Boat | Time\nBlue Heron | 1:02:03"))
        #expect(text.contains("line one\n  line two"))
    }

    @Test("a page whose text is all in one div still has its text")
    func oneDiv() throws {
        let html = "<html><body><div>" + String(repeating: "Plain words in a single block, nothing else here. ", count: 30) + "</div></body></html>"
        let text = try #require(try Clean.page(html).article).text
        #expect(text.hasPrefix("Plain words in a single block"))
        #expect(!text.contains("  "))
    }
}
