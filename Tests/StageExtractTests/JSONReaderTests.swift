import Foundation
import Testing
@testable import StageExtract

/// JSON-LD is read by JSONReader where it can, by JSONSerialization elsewhere: both must give the same values.
@Suite("JSON-LD reader")
struct JSONReaderTests {
    /// The value as a comparable string: strings, lists and objects (sorted keys); other values as a mark.
    static func render(_ value: Any?) -> String {
        switch value {
        case nil: return "nil"
        case let s as String: return "\"" + s + "\""
        case let list as [Any]: return "[" + list.map { render($0) }.joined(separator: ",") + "]"
        case let dict as [String: Any]:
            return "{" + dict.keys.sorted().map { "\($0):" + render(dict[$0]) }.joined(separator: ",") + "}"
        default: return "scalar"
        }
    }

    @Test("plain JSON reads as JSONSerialization reads it", arguments: [
        #"{"@context":"https://schema.org","@type":"NewsArticle","headline":"Caf\u00e9 \"news\" \/ more","author":{"@type":"Person","name":"Zoë Ñ"}}"#,
        ##"[{"@graph":[{"@id":"#a","name":"A"},{"@type":["Article"],"author":{"@id":"#a"},"n":-1.5e3,"t":true,"f":false,"z":null}]}]"##,
        #"  {"emoji":"\ud83d\ude00","tab":"a\tb","empty":{},"list":[]}  "#,
        #""just a string""#,
    ])
    func sameAsFoundation(_ text: String) throws {
        let ours = JSONReader.parse(Substring(text))
        let foundation = try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
        #expect(ours != nil)
        #expect(Self.render(ours) == Self.render(foundation))
    }

    @Test("anything unusual is left to JSONSerialization", arguments: [
        "{\"a\":\"line\nbreak\"}", #"{"a":1,"a":2}"#, #"{"a":"\ud800"}"#, #"{"a":01}"#, #"{"a":1,}"#, "", "<!-- {} -->",
        #"{"a":"\u0000"}"#, #"{"a":1e999}"#,
    ])
    func refuses(_ text: String) {
        #expect(JSONReader.parse(Substring(text)) == nil)
    }

    @Test("tokens on UTF-8 bytes keep words, possessives and abbreviations")
    func tokens() {
        let tokens = Tokens.tokenize("Zoë’s U.S. trip: al-Assad met Jean-Pierre.\nÉlan vital")
        #expect(tokens.map(\.text) == ["Zoë", "U.S.", "trip", ":", "al-Assad", "met", "Jean-Pierre", ".", "Élan", "vital"])
        #expect(tokens[0].possessive && tokens[0].lower == "zoë" && tokens[0].capitalised)
        #expect(tokens[4].capitalised && tokens[1].acronym)
        #expect(tokens[8].sentenceStart && !tokens[9].sentenceStart)
    }
}
