import StageClean
import Foundation
import IngestCore
import Testing

@Suite("pages without content")
struct DropTests {
    @Test(
        "error pages and walls are dropped with the reason",
        arguments: [
            ("<html><head><title>404 Not Found</title></head><body><h1>Not Found</h1><p>The requested URL was not found on this server.</p></body></html>", "error page"),
            ("<html><head><title>Page not found - Example</title></head><body><nav><a href='/'>Home</a></nav><p>Sorry, we couldn't find that page.</p></body></html>", "error page"),
            ("<html><head><title>Example</title></head><body><form><input name=user><input type=password name=pw><button>Go</button></form><p>Members only.</p></body></html>", "login wall"),
            ("<html><head><title>Sign in to continue</title></head><body><p>You need an account to read this.</p></body></html>", "wall"),
            ("<html><head><title>Just a moment...</title></head><body><p>Checking your browser before accessing the site.</p></body></html>", "wall"),
            ("<html><head><title>Example</title></head><body><noscript>x</noscript><p>Please enable JavaScript to view this site.</p></body></html>", "wall"),
            ("<html><head><title>Blank</title></head><body><script>app()</script><div></div></body></html>", "no text"),
        ])
    func dropped(_ html: String, _ reason: String) throws {
        let outcome = try Clean.page(html)
        let why = try #require(outcome.dropReason)
        #expect(why.contains(reason), "\(why)")
    }

    @Test("a long article mentioning 'not found' or 'sign in' is an article")
    func longArticleKept() throws {
        let body = String(repeating: "The harbour master said the missing buoy was not found after the storm. ", count: 20)
        let outcome = try Clean.page("<html><head><title>Buoy not found after storm</title></head><body><p>\(body)</p></body></html>")
        #expect(outcome.article != nil)
    }

    @Test("thin_page_words = 0 never drops an error page")
    func checkOff() throws {
        var configuration = CleanStage.Configuration()
        configuration.thinPageWords = 0
        let outcome = try Clean.page("<html><head><title>404 Not Found</title></head><body><p>Not found.</p></body></html>", configuration: configuration)
        #expect(outcome.article?.text == "Not found.")
    }
}

@Suite("feed items")
struct FeedItemTests {
    static func item(_ json: String) throws -> Article { try Clean.decoded(json, format: .json) }

    @Test("a short summary fragment is content, cleaned but never dropped")
    func shortSummary() throws {
        let article = try Self.item(#"{"title":"Storm warning lifted","html":"<p>Ships sail again.</p>","url":"https://news.example/1"}"#)
        let cleaned = try #require(try CleanStage().clean(article).article)
        #expect(cleaned.text == "Ships sail again.")
    }

    @Test("a fragment keeps all its text: no scoring, no chrome removal")
    func fragmentWhole() throws {
        let article = try Self.item(#"{"title":"T","html":"<div class=\"sidebar\">Kept because a fragment has no chrome</div><ul><li>one</li><li>two &amp; three</li></ul><script>x()</script>"}"#)
        let cleaned = try #require(try CleanStage().clean(article).article)
        #expect(cleaned.text == "Kept because a fragment has no chrome\n\n- one\n\n- two & three")
    }

    @Test("plain text where html was expected still comes out as text")
    func plainTextContent() throws {
        let article = try Self.item(#"{"title":"T","html":"Tom & Jerry: 3 < 4 is true"}"#)
        let cleaned = try #require(try CleanStage().clean(article).article)
        #expect(cleaned.text.contains("Tom & Jerry"))
        #expect(cleaned.text.contains("4 is true"))
    }

    @Test("a fetched page that turns out to be an error keeps the item's own text")
    func fullContentErrorFallsBack() throws {
        var article = try Self.item(#"{"title":"Storm warning lifted","html":"<html><head><title>404 Not Found</title></head><body><p>Not found</p></body></html>"}"#)
        article.text = "The feed's summary of the story."
        let cleaned = try #require(try CleanStage().clean(article).article)
        #expect(cleaned.text == "The feed's summary of the story.")
    }

    @Test("a title-only item passes")
    func titleOnly() throws {
        let article = try Self.item(#"{"title":"Link of the day","text":""}"#)
        #expect(try CleanStage().clean(article).article != nil)
    }
}
