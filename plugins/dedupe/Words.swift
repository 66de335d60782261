/// The words of a text, read from its UTF-8 bytes.
///
/// The definition is the Character-based one dedupe has always used: lowercase the text
/// (`String.lowercased()`), split it into Characters (grapheme clusters), and take the maximal runs of
/// Characters that are letters or numbers (`isLetter || isNumber`, which look at a Character's first scalar).
/// Walking Characters costs grapheme breaking and Unicode property lookups for every character of every
/// article, so this reads the bytes instead and keeps the Character path for the few places where only it
/// can decide.
///
/// The bytes are read in *units*: an ASCII byte, or a non-ASCII scalar. A unit is *plain* when its lowercase
/// form is known to be a Character by itself whenever its neighbours are plain too (``ScalarTable``): all
/// of ASCII, and the common Latin, Greek and Cyrillic letters and punctuation (curly quotes, dashes, `£`, `€`).
/// Anything else (combining marks, joiners, CJK, emoji, `İ`, …) is *complex*: a region around it is handed to
/// the Character path. A region starts and ends between two plain units, where there is always a grapheme
/// boundary (no rule of UAX #29 joins two plain units, but CR LF, which joins two non-word Characters and so
/// changes no word), and `lowercased()` maps scalar by scalar, so the region's Characters are exactly the
/// text's Characters at that place.
struct Words {
    /// The words, lowercased, joined by single spaces: the normalised text, as UTF-8.
    let utf8: [UInt8]
    /// Where each word starts in ``utf8``; a word ends one byte before the next one starts (the space), the
    /// last one at the end. (A word may itself contain a space byte, see ``ScalarTable``, so the starts are
    /// kept rather than found again.)
    let starts: [Int]

    init(_ text: String) {
        var text = text
        var reader = Reader(capacity: text.utf8.count + 16)
        text.withUTF8 { bytes in
            ScalarTable.entries.withUnsafeBufferPointer { table in reader.scan(bytes, table) }
        }
        (utf8, starts) = reader.finish()
    }

    var count: Int { starts.count }

    /// The words as strings (for tests: the stage needs only the count, the normalised text and the shingles).
    var strings: [String] { (0..<count).map { String(decoding: utf8[range(of: $0)], as: UTF8.self) } }

    /// The byte range of word `i` in ``utf8``.
    func range(of i: Int) -> Range<Int> {
        starts[i]..<(i + 1 < starts.count ? starts[i + 1] - 1 : utf8.count)
    }

}

/// Reads a text's units into its words (see ``Words``). The bytes are written to a buffer of its own rather
/// than appended to an Array one by one: an append checks the array's uniqueness and capacity each time,
/// which cost as much as the rest of the reading.
private struct Reader {
    private var output: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    private var length = 0
    private var starts: [Int] = []
    /// Whether the last unit read belongs to a word.
    private var inWord = false

    init(capacity: Int) {
        self.capacity = capacity
        output = .allocate(capacity: capacity)
    }

    /// The normalised text and the word starts; the reader must not be used after.
    func finish() -> ([UInt8], [Int]) {
        defer { output.deallocate() }
        return (Array(UnsafeBufferPointer(start: output, count: length)), starts)
    }

    mutating func scan(_ text: UnsafeBufferPointer<UInt8>, _ table: UnsafeBufferPointer<UInt32>) {
        let n = text.count
        var i = 0
        while i < n {
            // The common case first: an ASCII byte followed by another (or by the end).
            let byte = text[i]
            if byte < 0x80 && (i + 1 == n || text[i + 1] < 0x80) {
                guard table[Int(byte)] & ScalarTable.wordFlag != 0 else {
                    inWord = false
                    i += 1
                    continue
                }
                // A run of ASCII letters and digits, copied at once; its last byte is left to the general
                // path below when a non-ASCII scalar follows it (it may be the start of a Character).
                var end = i + 1
                while end < n, text[end] < 0x80, table[Int(text[end])] & ScalarTable.wordFlag != 0 { end += 1 }
                if end < n, text[end] >= 0x80 { end -= 1 }
                reserve(end - i + 1)
                if !inWord { startWord() }
                // ASCII letters and digits lowercase by setting bit 5 (digits have it already).
                for k in i..<end { write(text[k] | 0x20) }
                i = end
                continue
            }
            let unit = Self.unit(text, at: i, table)
            if unit.entry != ScalarTable.complex {
                let next = i + unit.length
                if next == n || Self.unit(text, at: next, table).entry != ScalarTable.complex {
                    append(unit.entry)
                    i = next
                    continue
                }
            }
            i = readRegion(text, from: i, table)
        }
    }

    /// The unit at `i`: its length in bytes and its ``ScalarTable`` entry.
    @inline(__always)
    private static func unit(
        _ text: UnsafeBufferPointer<UInt8>, at i: Int, _ table: UnsafeBufferPointer<UInt32>
    ) -> (length: Int, entry: UInt32) {
        let lead = text[i]
        if lead < 0x80 { return (1, table[Int(lead)]) }
        // The text is valid UTF-8 (a String), so the lead byte gives the length and the bytes are there.
        if lead < 0xE0 {
            let value = Int(lead & 0x1F) << 6 | Int(text[i + 1] & 0x3F)
            return (2, table[value])
        }
        if lead < 0xF0 {
            let value = Int(lead & 0x0F) << 12 | Int(text[i + 1] & 0x3F) << 6 | Int(text[i + 2] & 0x3F)
            return (3, ScalarTable.index(of: value).map { table[$0] } ?? ScalarTable.complex)
        }
        return (4, ScalarTable.complex)
    }

    /// Reads the region starting at the plain unit `i` (or a complex one at the very start) with the
    /// Character path, and returns where it ends: after the complex units that follow and one plain unit
    /// after them (a prepended mark such as U+0600 joins the next Character), repeated while the unit after
    /// that is complex again. Both ends are thus between two plain units, or at an end of the text.
    private mutating func readRegion(
        _ text: UnsafeBufferPointer<UInt8>, from start: Int, _ table: UnsafeBufferPointer<UInt32>
    ) -> Int {
        let n = text.count
        var j = start + Self.unit(text, at: start, table).length
        while j < n {
            while j < n, case let unit = Self.unit(text, at: j, table), unit.entry == ScalarTable.complex {
                j += unit.length
            }
            guard j < n else { break }
            j += Self.unit(text, at: j, table).length
            if j == n || Self.unit(text, at: j, table).entry != ScalarTable.complex { break }
        }
        let region = String(decoding: UnsafeBufferPointer(rebasing: text[start..<j]), as: UTF8.self)
        for character in region.lowercased() {
            if character.isLetter || character.isNumber {
                reserve(character.utf8.count + 1)
                if !inWord { startWord() }
                for byte in character.utf8 { write(byte) }
            } else {
                inWord = false
            }
        }
        return j
    }

    // MARK: writing

    /// Appends a plain unit: its lowercase bytes to the current word, or the end of the word.
    @inline(__always)
    private mutating func append(_ entry: UInt32) {
        guard entry & ScalarTable.wordFlag != 0 else {
            inWord = false
            return
        }
        reserve(4)
        if !inWord { startWord() }
        write(UInt8(truncatingIfNeeded: entry))
        let length = (entry >> 24) & 3
        if length > 1 { write(UInt8(truncatingIfNeeded: entry >> 8)) }
        if length > 2 { write(UInt8(truncatingIfNeeded: entry >> 16)) }
    }

    /// Starts a word, after a space if it is not the first; needs room for one byte.
    private mutating func startWord() {
        if !starts.isEmpty { write(0x20) }
        starts.append(length)
        inWord = true
    }

    /// Makes room for `extra` more bytes.
    @inline(__always)
    private mutating func reserve(_ extra: Int) {
        if length + extra > capacity { grow(to: length + extra) }
    }

    private mutating func grow(to needed: Int) {
        let larger = UnsafeMutablePointer<UInt8>.allocate(capacity: max(needed, 2 * capacity))
        larger.initialize(from: output, count: length)
        output.deallocate()
        output = larger
        capacity = max(needed, 2 * capacity)
    }

    /// Writes one byte; ``reserve(_:)`` made room for it.
    @inline(__always)
    private mutating func write(_ byte: UInt8) {
        output[length] = byte
        length += 1
    }
}

/// What the byte reader knows about a scalar, one `UInt32` per scalar of U+0000–U+07FF and U+2000–U+20CF
/// (ASCII, Latin-1, Latin Extended, Greek, Cyrillic, …; general punctuation, currency signs).
///
/// An entry is ``complex`` (0) unless the scalar is *plain*: its lowercase mapping is one scalar, in these
/// ranges too, that joins no ASCII letter before or after it (so it is no combining mark, spacing mark,
/// joiner or prepended mark). Then the entry holds the lowercase scalar's UTF-8 bytes (bits 0–23), their
/// count (bits 24–25), and whether it is a letter or number (``wordFlag``). Between two such scalars UAX #29
/// always breaks but for CR LF: what is left (Hangul, regional indicators, Indic conjuncts, emoji ZWJ
/// sequences) needs scalars outside these ranges or joiners, which are complex.
///
/// The table is computed at start from the standard library's own answers (`lowercased()`, `Character`
/// counting, `isLetter`, `isNumber`), so it agrees with the Character path of the same Swift runtime.
enum ScalarTable {
    static let complex: UInt32 = 0
    static let wordFlag: UInt32 = 1 << 31

    static let entries: [UInt32] = {
        let values = Array(0..<0x800) + Array(0x2000..<0x20D0)
        return values.map { entry(for: Unicode.Scalar(UInt32($0))!) }
    }()

    /// The table index of a scalar value of 0x800 or more, if it has one.
    @inline(__always)
    static func index(of value: Int) -> Int? {
        value >= 0x2000 && value < 0x20D0 ? value - 0x2000 + 0x800 : nil
    }

    static func covers(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x800 || index(of: Int(scalar.value)) != nil
    }

    static func entry(for scalar: Unicode.Scalar) -> UInt32 {
        let lowered = String(scalar).lowercased()
        let scalars = Array(lowered.unicodeScalars)
        guard scalars.count == 1, covers(scalars[0]) else { return complex }
        guard ("a" + lowered).count == 2, (lowered + "a").count == 2 else { return complex }
        let character = Character(scalars[0])
        var entry: UInt32 = character.isLetter || character.isNumber ? wordFlag : 0
        let bytes = Array(lowered.utf8)
        for (k, byte) in bytes.enumerated() { entry |= UInt32(byte) << (8 * UInt32(k)) }
        return entry | UInt32(bytes.count) << 24
    }
}
