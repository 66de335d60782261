import Foundation
@testable import IngestCore
import Testing

@Suite("text decoding")
struct TextDecodingTests {
    @Test("plain UTF-8 stays as it is")
    func utf8() throws {
        let d = try TextDecoding.decode(Array("Grüße aus Köln — “quoted”".utf8))
        #expect(d.text == "Grüße aus Köln — “quoted”")
        #expect(d.charset == "utf-8")
    }

    @Test("trimming cuts whole characters at both ends and nothing inside")
    func trimming() {
        #expect(" \t Title line\n\nBody text.\n \n".trimming(" \t\n") == "Title line\n\nBody text.")
        #expect("\n\n".trimming(" \t\n") == "")
        #expect("".trimming(" ") == "")
        // "\r\n" is one character, not in the set: it stays, as does an accent on the last space.
        #expect("text\r\n".trimming(" \n") == "text\r\n")
        #expect("text \u{301}".trimming(" ") == "text \u{301}")
        #expect("Köln  ".trimming(" ") == "Köln")
    }

    @Test("a UTF-8 byte-order mark is removed")
    func utf8BOM() throws {
        let d = try TextDecoding.decode([0xEF, 0xBB, 0xBF] + Array("Hello".utf8))
        #expect(d.text == "Hello")
    }

    @Test("UTF-16 with and without a byte-order mark")
    func utf16() throws {
        let le: [UInt8] = [0xFF, 0xFE] + Array("Привет world".utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] })
        #expect(try TextDecoding.decode(le).text == "Привет world")
        let be: [UInt8] = Array("Plain ASCII in UTF-16BE".utf16.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] })
        let d = try TextDecoding.decode(be)
        #expect(d.text == "Plain ASCII in UTF-16BE")
        #expect(d.charset == "utf-16be")
    }

    @Test("invalid UTF-8 falls back to windows-1252 for Western text")
    func windows1252() throws {
        // 0x93/0x94 are curly quotes and 0xE9 is é in windows-1252; none is valid UTF-8 here.
        let bytes: [UInt8] = Array("Le ".utf8) + [0x93] + Array("caf".utf8) + [0xE9, 0x94] + Array(" est ouvert".utf8)
        let d = try TextDecoding.decode(bytes)
        #expect(d.text == "Le “café” est ouvert")
        #expect(d.charset == "windows-1252")
    }

    @Test("Russian text in windows-1251 and KOI8-R is told apart")
    func cyrillic() throws {
        let text = "Москва сегодня объявила о новых мерах поддержки экономики"
        let cp1251 = try #require(encode(text, "windows-1251"))
        let koi8 = try #require(encode(text, "koi8-r"))
        #expect(try TextDecoding.decode(cp1251).text == text)
        #expect(try TextDecoding.decode(cp1251).charset == "windows-1251")
        #expect(try TextDecoding.decode(koi8).text == text)
        #expect(try TextDecoding.decode(koi8).charset == "koi8-r")
    }

    @Test("a charset declared in an HTML meta tag wins over detection")
    func declaredInMeta() throws {
        let html = "<html><head><meta charset=\"windows-1251\"></head><body>Привет</body></html>"
        let bytes = try #require(encode(html, "windows-1251"))
        let d = try TextDecoding.decode(bytes)
        #expect(d.charset == "windows-1251")
        #expect(d.text.contains("Привет"))
    }

    @Test("binary and empty inputs fail with a reason", arguments: [
        ([UInt8](), "empty"),
        ([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D], "binary"),
    ])
    func refused(bytes: [UInt8], reason: String) {
        #expect {
            try TextDecoding.decode(bytes)
        } throws: { error in
            (error as? IngestFailure)?.reason.contains(reason) == true && (error as? IngestFailure)?.stage == "decode"
        }
    }

    @Test("line ends become \\n and control characters go")
    func tidy() throws {
        let d = try TextDecoding.decode(Array("a\r\nb\rc\u{7}d\te".utf8))
        #expect(d.text == "a\nb\ncd\te")
    }

    /// Encodes with the single-byte tables' inverse, so the test does not depend on the platform's iconv.
    private func encode(_ text: String, _ charset: String) -> [UInt8]? {
        let encodings: [String: String.Encoding] = ["windows-1251": .windowsCP1251]
        if let e = encodings[charset], let data = text.data(using: e) { return [UInt8](data) }
        guard charset == "koi8-r" else { return nil }
        // KOI8-R lowercase а…я and uppercase А…Я, in the alphabet order of its table.
        let lower = "юабцдефгхийклмнопярстужвьызшэщчъ"
        let upper = lower.uppercased()
        var out: [UInt8] = []
        for ch in text {
            if ch.isASCII { out.append(ch.asciiValue!); continue }
            if let i = lower.firstIndex(of: ch) { out.append(0xC0 + UInt8(lower.distance(from: lower.startIndex, to: i))); continue }
            if let i = upper.firstIndex(of: ch) { out.append(0xE0 + UInt8(upper.distance(from: upper.startIndex, to: i))); continue }
            return nil
        }
        return out
    }
}

/// HTMLText.collapse copies runs of text at once instead of scalar by scalar, for speed; it must give
/// what the plain per-scalar loop gives.
@Suite("HTMLText.collapse")
struct HTMLTextCollapseTests {
    private func reference(_ s: String) -> String {
        var result = ""
        var pendingSpace = false
        for c in s.unicodeScalars {
            if c.properties.isWhitespace {
                pendingSpace = !result.isEmpty
            } else {
                if pendingSpace { result += " " }
                pendingSpace = false
                result.unicodeScalars.append(c)
            }
        }
        return result
    }

    @Test("collapse matches the per-scalar reading")
    func matchesPerScalarLoop() {
        let texts = [
            "", " ", " \t\n\r ", "word", "  two   words  ", "a\u{00A0}b\u{3000}c\u{2028}d\u{85}e\u{1680}f",
            "\u{180E}mongolian\u{200B}zero\u{FEFF}width", "e\u{301} \u{301}combining after a space",
            "line\r\nbreak", "Grüße  aus\n\nKöln — “quoted” 🚢 ", "\u{2003}\u{2009}em and thin\u{202F}",
        ]
        for text in texts { #expect(HTMLText.collapse(text) == reference(text), "\(text.debugDescription)") }
        for value in UInt32(0)...0x3100 {
            guard let scalar = Unicode.Scalar(value) else { continue }
            let text = "x\(scalar)y \(scalar)"
            #expect(HTMLText.collapse(text) == reference(text), "U+\(String(value, radix: 16))")
        }
    }
}
