import Glibc
import IngestCore

/// A page without the content of its `<script>` and `<style>` elements, for libxml2 to parse.
///
/// Why: on real news pages two thirds of the bytes are scripts and styles. libxml2 reads them a character
/// at a time and copies them into the tree, where nothing reads them: the page tree leaves both out, and
/// the page's signals read only JSON-LD. Parsing the 130 evaluation pages without that content took
/// 2.2–2.7 ms a page instead of 3.3–3.4. JSON-LD scripts (a start tag that mentions `ld+json`) keep
/// their content.
///
/// The tree libxml2 builds from the result is the tree of the whole page with those elements empty. That
/// holds as long as this reader finds tags where libxml2 does, so it reads only what it is sure of —
/// comments, declarations, start tags with plain or quoted attributes, end tags — and at the first markup it
/// is not sure of, it stops and leaves the rest of the page as it is. A script's content ends where
/// libxml2 (in recovery mode) ends it: at the first `</script`, in any case.
enum RawTextStripper {
    /// The stripped page, or nil when there was nothing to strip.
    static func strip(_ page: UnsafeRawBufferPointer) -> [UInt8]? {
        guard let base = page.baseAddress?.assumingMemoryBound(to: UInt8.self), page.count > 0 else { return nil }
        let bytes = UnsafeBufferPointer(start: base, count: page.count)
        var out: [UInt8] = []
        var copiedUpTo = 0
        var i = 0
        while let lt = next(UInt8(ascii: "<"), in: bytes, from: i) {
            guard let markup = Markup.read(bytes, at: lt) else { break }
            i = markup.end
            guard let element = markup.rawTextElement else { continue }
            // The content runs to the element's end tag (see `closing`).
            guard let close = closing(element, in: bytes, from: markup.end) else { break }
            // Content that opens with markup is first read by libxml2 as markup (an end tag, or a tag whose
            // auto-close rules end a `<style>`): not for certain.
            if close > markup.end && bytes[markup.end] == UInt8(ascii: "<") { break }
            if markup.keepsContent {
                i = close
                continue
            }
            if close > markup.end {
                if out.isEmpty { out.reserveCapacity(bytes.count / 2) }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[copiedUpTo..<markup.end]))
                copiedUpTo = close
            }
            i = close
        }
        guard copiedUpTo > 0 else { return nil }
        out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[copiedUpTo...]))
        return out
    }

    /// One piece of markup starting at a `<`, as far as this reader is sure libxml2 reads it the same way.
    struct Markup {
        /// Just past its end.
        var end: Int
        /// `script` or `style` when it is their start tag.
        var rawTextElement: StaticString?
        /// A JSON-LD script: its content stays.
        var keepsContent = false

        /// Nil when the markup is not one this reader is sure of: the caller stops there.
        static func read(_ b: UnsafeBufferPointer<UInt8>, at lt: Int) -> Markup? {
            let n = b.count
            guard lt + 1 < n else { return nil }
            let c = b[lt + 1]
            if c == UInt8(ascii: "!") {
                if lt + 3 < n && b[lt + 2] == UInt8(ascii: "-") && b[lt + 3] == UInt8(ascii: "-") {
                    // A comment: libxml2 looks for `-->` from after the opening `<!--`.
                    guard let end = find("-->", in: b, from: lt + 4) else { return nil }
                    // `--!>` ends a comment in newer parsers; a comment holding one is not for certain.
                    if find("--!>", in: b, from: lt + 4, before: end) != nil { return nil }
                    return Markup(end: end + 3)
                }
                // A doctype or another declaration: to its `>`.
                return declarationEnd(b, from: lt + 2).map { Markup(end: $0) }
            }
            if c == UInt8(ascii: "?") { return plainEnd(b, from: lt + 2).map { Markup(end: $0) } }
            if c == UInt8(ascii: "/") {
                guard lt + 2 < n, isLetter(b[lt + 2]) else { return nil }
                return plainEnd(b, from: lt + 2).map { Markup(end: $0) }
            }
            // Text: a `<` not followed by an ASCII letter is a character of the text for libxml2.
            guard isLetter(c) else {
                // Unless it starts a name all the same (`<_x`): not for certain.
                return isNameStart(c) ? nil : Markup(end: lt + 1)
            }
            var j = lt + 1
            while j < n && isNameCharacter(b[j]) { j += 1 }
            // libxml2 reads names of up to 100 bytes.
            guard j - lt - 1 < 100 else { return nil }
            let name = UnsafeBufferPointer(rebasing: b[(lt + 1)..<j])
            guard let end = startTagEnd(b, from: j) else { return nil }
            var markup = Markup(end: end)
            // `<script/>` is an empty element for libxml2: no content follows.
            if b[end - 2] == UInt8(ascii: "/") { return markup }
            if equalsLowercase(name, "script") {
                markup.rawTextElement = "script"
                markup.keepsContent = find("ld+json", in: b, from: j, before: end) != nil
            } else if equalsLowercase(name, "style") {
                markup.rawTextElement = "style"
            }
            return markup
        }

        /// Just past the `>` of a start tag whose name ends before `from`: attributes are names, each with
        /// an optional value, plain or in quotes. Nil at anything else (a `<` or a quote out of place).
        static func startTagEnd(_ b: UnsafeBufferPointer<UInt8>, from: Int) -> Int? {
            let n = b.count
            var j = from
            while j < n {
                let c = b[j]
                if c == UInt8(ascii: ">") { return j + 1 }
                if isSpace(c) {
                    j += 1
                    continue
                }
                if c == UInt8(ascii: "/") {
                    // `/>`, or a slash before white space; any other is not for certain.
                    guard j + 1 < n, b[j + 1] == UInt8(ascii: ">") || isSpace(b[j + 1]) else { return nil }
                    j += 1
                    continue
                }
                // An attribute's name.
                guard isNameStart(c) else { return nil }
                let nameStart = j
                while j < n && isNameCharacter(b[j]) { j += 1 }
                guard j - nameStart < 100 else { return nil }
                while j < n && isSpace(b[j]) { j += 1 }
                guard j < n, b[j] == UInt8(ascii: "=") else { continue }
                j += 1
                while j < n && isSpace(b[j]) { j += 1 }
                guard j < n else { return nil }
                let q = b[j]
                if q == UInt8(ascii: "\"") || q == UInt8(ascii: "'") {
                    guard let close = next(q, in: b, from: j + 1) else { return nil }
                    j = close + 1
                } else {
                    // A plain value runs to white space or `>`; quotes or `<` in it are not for certain.
                    while j < n && !isSpace(b[j]) && b[j] != UInt8(ascii: ">") {
                        let v = b[j]
                        if v == UInt8(ascii: "\"") || v == UInt8(ascii: "'") || v == UInt8(ascii: "<") { return nil }
                        j += 1
                    }
                }
            }
            return nil
        }

        /// Just past the `>` that ends a declaration (`<!DOCTYPE html PUBLIC "…" "…">`): the first `>` out
        /// of quotes, when it is also the first `>` at all (libxml2 may skip a bad literal to the first `>`)
        /// and no `<` comes before it.
        static func declarationEnd(_ b: UnsafeBufferPointer<UInt8>, from: Int) -> Int? {
            guard let first = next(UInt8(ascii: ">"), in: b, from: from) else { return nil }
            var quote: UInt8 = 0
            for k in from..<first {
                let c = b[k]
                if c == UInt8(ascii: "<") { return nil }
                if quote != 0 {
                    if c == quote { quote = 0 }
                } else if c == UInt8(ascii: "\"") || c == UInt8(ascii: "'") {
                    quote = c
                }
            }
            return quote == 0 ? first + 1 : nil
        }

        /// Just past the first `>` from `from`, when there is neither a quote nor a `<` before it.
        static func plainEnd(_ b: UnsafeBufferPointer<UInt8>, from: Int) -> Int? {
            guard let gt = next(UInt8(ascii: ">"), in: b, from: from) else { return nil }
            for k in from..<gt {
                let c = b[k]
                if c == UInt8(ascii: "\"") || c == UInt8(ascii: "'") || c == UInt8(ascii: "<") { return nil }
            }
            return gt + 1
        }
    }

    /// Where the content of the element `name` that starts at `from` ends, as libxml2 reads it in recovery
    /// mode: at the first `</` followed by the name (any case). An `</` followed by another name (a script
    /// writing HTML) is part of the content. Nil when that end tag is not plainly one: followed by more of a
    /// name (`</scripts`), or cut off by the end of the page.
    static func closing(_ name: StaticString, in b: UnsafeBufferPointer<UInt8>, from: Int) -> Int? {
        let count = name.utf8CodeUnitCount
        var i = from
        while let lt = next(UInt8(ascii: "<"), in: b, from: i) {
            i = lt + 1
            let after = lt + 2 + count
            guard after <= b.count, b[lt + 1] == UInt8(ascii: "/"),
                equalsLowercase(UnsafeBufferPointer(rebasing: b[(lt + 2)..<after]), name)
            else { continue }
            guard after < b.count, b[after] == UInt8(ascii: ">") || isSpace(b[after]),
                next(UInt8(ascii: ">"), in: b, from: after) != nil
            else { return nil }
            return lt
        }
        return nil
    }

    // MARK: bytes

    static func next(_ byte: UInt8, in b: UnsafeBufferPointer<UInt8>, from: Int) -> Int? {
        guard from < b.count, let base = b.baseAddress, let p = memchr(base + from, Int32(byte), b.count - from) else {
            return nil
        }
        return base.distance(to: p.assumingMemoryBound(to: UInt8.self))
    }

    /// The first occurrence of `needle` at or after `from` (and starting before `before`), ASCII letters in
    /// any case.
    static func find(_ needle: StaticString, in b: UnsafeBufferPointer<UInt8>, from: Int, before: Int? = nil) -> Int? {
        let end = min((before ?? b.count) + needle.utf8CodeUnitCount - 1, b.count)
        guard from < end else { return nil }
        let found = String.firstASCII(
            UnsafeBufferPointer(start: needle.utf8Start, count: needle.utf8CodeUnitCount),
            in: UnsafeBufferPointer(rebasing: b[from..<end]))
        return found.map { from + $0 }
    }

    static func equalsLowercase(_ bytes: UnsafeBufferPointer<UInt8>, _ name: StaticString) -> Bool {
        guard bytes.count == name.utf8CodeUnitCount else { return false }
        let n = name.utf8Start
        for k in 0..<bytes.count where lowercased(bytes[k]) != n[k] { return false }
        return true
    }

    @inline(__always) static func lowercased(_ c: UInt8) -> UInt8 { c >= 0x41 && c <= 0x5A ? c | 0x20 : c }
    @inline(__always) static func isLetter(_ c: UInt8) -> Bool {
        let l = c | 0x20
        return l >= 0x61 && l <= 0x7A
    }
    /// What may start a name for libxml2's HTML parser: an ASCII letter, `_` or `:`.
    @inline(__always) static func isNameStart(_ c: UInt8) -> Bool {
        let l = c | 0x20
        return (l >= 0x61 && l <= 0x7A) || c == UInt8(ascii: "_") || c == UInt8(ascii: ":")
    }
    @inline(__always) static func isNameCharacter(_ c: UInt8) -> Bool {
        isNameStart(c) || (c >= 0x30 && c <= 0x39) || c == UInt8(ascii: "-") || c == UInt8(ascii: ".")
    }
    @inline(__always) static func isSpace(_ c: UInt8) -> Bool {
        c == 0x20 || c == 0x0A || c == 0x09 || c == 0x0D || c == 0x0C
    }
}
