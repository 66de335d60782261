import Foundation

/// Turns bytes of unknown encoding into valid UTF-8 text, or says why it cannot.
///
/// In order: a byte-order mark; a charset declared outside the bytes or inside them (an HTML `<meta>`,
/// an XML prolog); valid UTF-8; then a detector that chooses between windows-1252, windows-1251 and
/// KOI8-R from the byte statistics. Binary content (NUL bytes that are not UTF-16, many control bytes)
/// is refused rather than turned into mojibake.
public enum TextDecoding {
    public struct Decoded: Sendable, Equatable {
        public var text: String
        /// The charset used, e.g. `utf-8`, `windows-1251`.
        public var charset: String
    }

    public static func decode(_ bytes: [UInt8], declared: String? = nil) throws(IngestFailure) -> Decoded {
        guard !bytes.isEmpty else { throw failure("empty input") }
        if let decoded = try decodeWithBOM(bytes) { return tidy(decoded) }
        if let utf16 = sniffUTF16WithoutBOM(bytes) {
            guard let text = decodeUTF16(bytes, bigEndian: utf16 == "utf-16be") else {
                throw failure("invalid \(utf16) text")
            }
            return tidy(Decoded(text: text, charset: utf16))
        }
        if let reason = binaryReason(bytes) { throw failure(reason) }

        // Valid UTF-8 is taken as UTF-8 whatever a label says: text in a single-byte charset with letters
        // beyond ASCII is almost never valid UTF-8, while mislabelled UTF-8 pages are common.
        if let text = String(validating: bytes, as: UTF8.self) {
            return tidy(Decoded(text: text, charset: "utf-8"))
        }
        let label = (declared ?? sniffDeclaredCharset(bytes)).map(canonicalCharset)
        if let label, label != "utf-8", let table = SingleByteCharsets.tables[label] {
            return tidy(Decoded(text: decodeSingleByte(bytes, table: table), charset: label))
        }
        // Declared UTF-8 but invalid, undeclared, or an unknown label: the detector.
        let guess = detectSingleByte(bytes)
        return tidy(Decoded(text: decodeSingleByte(bytes, table: SingleByteCharsets.tables[guess]!), charset: guess))
    }

    // MARK: byte-order marks and UTF-16

    private static func decodeWithBOM(_ bytes: [UInt8]) throws(IngestFailure) -> Decoded? {
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
            guard let text = String(validating: bytes.dropFirst(3), as: UTF8.self) else {
                throw failure("invalid UTF-8 after a UTF-8 byte-order mark")
            }
            return Decoded(text: text, charset: "utf-8")
        }
        if bytes.starts(with: [0xFF, 0xFE, 0, 0]) || bytes.starts(with: [0, 0, 0xFE, 0xFF]) {
            let big = bytes[0] == 0
            guard let text = decodeUTF32(Array(bytes.dropFirst(4)), bigEndian: big) else {
                throw failure("invalid UTF-32 text")
            }
            return Decoded(text: text, charset: big ? "utf-32be" : "utf-32le")
        }
        if bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]) {
            let big = bytes[0] == 0xFE
            guard let text = decodeUTF16(Array(bytes.dropFirst(2)), bigEndian: big) else {
                throw failure("invalid UTF-16 text")
            }
            return Decoded(text: text, charset: big ? "utf-16be" : "utf-16le")
        }
        return nil
    }

    /// UTF-16 text of Latin script has a zero in every other byte; that pattern, not a lone NUL, says UTF-16.
    private static func sniffUTF16WithoutBOM(_ bytes: [UInt8]) -> String? {
        let sample = bytes.prefix(4096)
        guard sample.count >= 4, sample.count % 2 == 0 else { return nil }
        var evenZeros = 0, oddZeros = 0
        for (i, b) in sample.enumerated() where b == 0 {
            if i % 2 == 0 { evenZeros += 1 } else { oddZeros += 1 }
        }
        let half = sample.count / 2
        if oddZeros * 10 >= half * 7 && evenZeros * 20 < half { return "utf-16le" }
        if evenZeros * 10 >= half * 7 && oddZeros * 20 < half { return "utf-16be" }
        return nil
    }

    static func decodeUTF16(_ bytes: [UInt8], bigEndian: Bool) -> String? {
        guard bytes.count % 2 == 0 else { return nil }
        var units: [UInt16] = []
        units.reserveCapacity(bytes.count / 2)
        var i = 0
        while i < bytes.count {
            let a = UInt16(bytes[i]), b = UInt16(bytes[i + 1])
            units.append(bigEndian ? (a << 8 | b) : (b << 8 | a))
            i += 2
        }
        return String(validating: units, as: UTF16.self)
    }

    private static func decodeUTF32(_ bytes: [UInt8], bigEndian: Bool) -> String? {
        guard bytes.count % 4 == 0 else { return nil }
        var scalars = String.UnicodeScalarView()
        var i = 0
        while i < bytes.count {
            let b = bytes[i..<i + 4].map(UInt32.init)
            let value = bigEndian ? (b[0] << 24 | b[1] << 16 | b[2] << 8 | b[3]) : (b[3] << 24 | b[2] << 16 | b[1] << 8 | b[0])
            guard let scalar = Unicode.Scalar(value) else { return nil }
            scalars.append(scalar)
            i += 4
        }
        return String(scalars)
    }

    // MARK: binary content

    /// Why the bytes look binary, or `nil` when they look like text.
    public static func binaryReason(_ bytes: [UInt8]) -> String? {
        let sampleCount = min(bytes.count, 8192)
        // A NUL found with memchr, then the control bytes counted without a branch per byte: the loop that
        // did both, stopping at a NUL, read a byte at a time (0.6 % of the daemon's CPU).
        let (hasNUL, controls) = bytes.withUnsafeBufferPointer { buffer -> (Bool, Int) in
            guard let base = buffer.baseAddress, sampleCount > 0 else { return (false, 0) }
            if memchr(base, 0, sampleCount) != nil { return (true, 0) }
            var controls = 0
            for i in 0..<sampleCount {
                let b = base[i]
                // Tab, line feed, form feed, carriage return and escape occur in text files.
                let isControl = b < 0x20 && b != 0x09 && b != 0x0A && b != 0x0C && b != 0x0D && b != 0x1B
                controls &+= isControl ? 1 : 0
            }
            return (false, controls)
        }
        if hasNUL { return "binary content (NUL bytes)" }
        // A stray bell or backspace in a short text file is not binary; many of them are.
        if controls >= 4 && controls * 100 > sampleCount * 5 {
            return "binary content (\(controls) control bytes in the first \(sampleCount))"
        }
        return nil
    }

    // MARK: declared charsets

    /// The charset an HTML `<meta>` or an XML prolog declares in the first kilobyte.
    static func sniffDeclaredCharset(_ bytes: [UInt8]) -> String? {
        let head = String(decoding: bytes.prefix(1024), as: UTF8.self).lowercased()
        for marker in ["charset=", "encoding="] {
            var searchStart = head.startIndex
            while let range = head.range(of: marker, range: searchStart..<head.endIndex) {
                searchStart = range.upperBound
                var value = head[range.upperBound...].drop { $0 == "\"" || $0 == "'" || $0 == " " }
                value = value.prefix { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }
                if !value.isEmpty { return String(value) }
            }
        }
        return nil
    }

    /// Maps the many labels of a charset to one name. ISO-8859-1 and ASCII are read as windows-1252, as
    /// browsers do: real "Latin-1" text uses its 0x80–0x9F bytes for quotes and dashes.
    public static func canonicalCharset(_ label: String) -> String {
        let l = label.lowercased().trimming(" \"'")
        switch l {
        case "utf8", "utf-8", "unicode-1-1-utf-8": return "utf-8"
        case "us-ascii", "ascii", "iso-8859-1", "iso8859-1", "latin1", "latin-1", "l1", "cp1252", "windows-1252",
            "x-cp1252", "cp819", "iso_8859-1":
            return "windows-1252"
        case "windows-1251", "cp1251", "x-cp1251": return "windows-1251"
        case "koi8-r", "koi8r", "koi8", "cskoi8r": return "koi8-r"
        case "iso-8859-2", "iso8859-2", "latin2", "l2": return "iso-8859-2"
        case "iso-8859-15", "iso8859-15", "latin9", "l9": return "iso-8859-15"
        case "windows-1250", "cp1250", "x-cp1250": return "windows-1250"
        default: return l
        }
    }

    // MARK: the single-byte detector

    /// Chooses windows-1252, windows-1251 or KOI8-R. Russian text is mostly high bytes, and mostly
    /// lowercase: windows-1251 puts lowercase Cyrillic at 0xE0–0xFF, KOI8-R at 0xC0–0xDF. Western text has
    /// few high bytes among many ASCII letters.
    static func detectSingleByte(_ bytes: [UInt8]) -> String {
        var asciiLetters = 0, high = 0, c0to_df = 0, e0to_ff = 0
        for b in bytes {
            if (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) { asciiLetters += 1 }
            if b >= 0xC0 {
                high += 1
                if b >= 0xE0 { e0to_ff += 1 } else { c0to_df += 1 }
            }
        }
        guard high > asciiLetters else { return "windows-1252" }
        return e0to_ff >= c0to_df ? "windows-1251" : "koi8-r"
    }

    static func decodeSingleByte(_ bytes: [UInt8], table: [UInt32]) -> String {
        var scalars = String.UnicodeScalarView()
        scalars.reserveCapacity(bytes.count)
        for b in bytes {
            if b < 0x80 {
                scalars.append(Unicode.Scalar(b))
            } else {
                var value = table[Int(b) - 0x80]
                // A byte the charset leaves undefined keeps its Latin-1 meaning rather than vanishing.
                if value == 0xFFFD { value = UInt32(b) }
                scalars.append(Unicode.Scalar(value)!)
            }
        }
        return String(scalars)
    }

    // MARK: tidying

    /// Line ends become `\n`; NUL and other control characters (except tab and line feed) go: they have no
    /// place in text and break consumers.
    private static func tidy(_ decoded: Decoded) -> Decoded {
        guard needsTidy(decoded.text) else { return decoded }
        return Decoded(text: tidied(decoded.text), charset: decoded.charset)
    }

    /// ``tidy(_:)``'s work on the UTF-8 bytes: runs of bytes that stay are copied whole, where appending
    /// scalar by scalar took 5 % of a 190 KB page's CPU (pages saved on Windows end every line with CR LF).
    /// Every character removed is a whole scalar (C0 and C1 controls, DEL, U+FEFF) and a CR becomes an LF,
    /// so valid UTF-8 stays valid.
    static func tidied(_ text: String) -> String {
        var text = text  // native after decoding: withUTF8 does not copy
        return text.withUTF8 { bytes in
            String(unsafeUninitializedCapacity: bytes.count) { out in
                var written = 0
                var runStart = 0
                var previousCR = false
                var i = 0
                @inline(__always) func flush(to end: Int) {
                    let count = end - runStart
                    if count > 0 {
                        UnsafeMutableRawPointer(out.baseAddress! + written).copyMemory(
                            from: bytes.baseAddress! + runStart, byteCount: count)
                        written += count
                    }
                }
                while i < bytes.count {
                    let b = bytes[i]
                    // How many bytes to drop here (0: keep the byte), and whether an LF replaces them.
                    var drop = 0
                    var lineFeed = false
                    if b == 0x0D {
                        drop = 1
                        lineFeed = true
                    } else if b == 0x0A {
                        if previousCR { drop = 1 }
                    } else if (b < 0x20 && b != 0x09) || b == 0x7F {
                        drop = 1
                    } else if b == 0xC2, i + 1 < bytes.count, bytes[i + 1] >= 0x80 && bytes[i + 1] <= 0x9F {
                        drop = 2
                    } else if b == 0xEF, i + 2 < bytes.count, bytes[i + 1] == 0xBB, bytes[i + 2] == 0xBF {
                        drop = 3
                    }
                    previousCR = b == 0x0D
                    if drop == 0 {
                        i += 1
                        continue
                    }
                    flush(to: i)
                    if lineFeed {
                        out[written] = 0x0A
                        written += 1
                    }
                    i += drop
                    runStart = i
                }
                flush(to: bytes.count)
                return written
            }
        }
    }

    /// Most text needs no tidying; finding that out on the bytes is much cheaper than rebuilding it.
    static func needsTidy(_ text: String) -> Bool {
        var text = text  // native after validation: withUTF8 does not copy
        return text.withUTF8 { needsTidy($0) }
    }

    /// Whether the UTF-8 `bytes` hold a C0 control other than tab and line feed (CR among them), DEL, a
    /// C1 control (`C2 80`–`C2 9F`) or possibly U+FEFF (`EF BB`).
    ///
    /// Eight bytes are tested at once for any byte that can start one of those; only such words are looked
    /// at byte by byte (a line feed or tab sends its word there, and that is all).
    static func needsTidy(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let n = bytes.count
        var i = 0
        if let base = bytes.baseAddress {
            let ones: UInt64 = 0x0101_0101_0101_0101
            let highs = ones &* 0x80
            /// High bits where a byte of `x` is zero; exact as to whether there is one.
            @inline(__always) func zeroBytes(_ x: UInt64) -> UInt64 { (x &- ones) & ~x & highs }
            while i + 8 <= n {
                let x = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)
                let below0x20 = (x &- ones &* 0x20) & ~x & highs
                let suspects = below0x20 | zeroBytes(x ^ (ones &* 0x7F)) | zeroBytes(x ^ (ones &* 0xC2))
                    | zeroBytes(x ^ (ones &* 0xEF))
                if suspects != 0 && needsTidy(bytes, from: i, to: i + 8) { return true }
                i += 8
            }
        }
        return needsTidy(bytes, from: i, to: n)
    }

    /// The byte-by-byte test of ``needsTidy(_:)-(UnsafeBufferPointer<UInt8>)`` for the bytes in `from..<to`
    /// (a two-byte sequence may end after `to`).
    private static func needsTidy(_ bytes: UnsafeBufferPointer<UInt8>, from: Int, to: Int) -> Bool {
        for i in from..<to {
            let b = bytes[i]
            if b < 0x20 && b != 0x0A && b != 0x09 { return true }  // CR and other C0 controls
            if b == 0x7F { return true }
            guard i + 1 < bytes.count else { continue }
            let next = bytes[i + 1]
            if b == 0xC2 && next >= 0x80 && next <= 0x9F { return true }  // C1 controls
            if b == 0xEF && next == 0xBB { return true }  // possibly U+FEFF
        }
        return false
    }

    private static func failure(_ reason: String) -> IngestFailure {
        IngestFailure(stage: "decode", reason: reason, retryable: false)
    }
}

extension StringProtocol {
    /// `self` without the given characters at either end.
    func trimming(_ set: String) -> String {
        let chars = Set(set)
        var s = Substring(self)
        while let f = s.first, chars.contains(f) { s = s.dropFirst() }
        // By index, not `dropLast()`: in this generic context that resolved to `Collection`'s, which counts
        // the characters of the whole rest each time (grapheme breaking over the text), 0.8 % of a burst's CPU.
        while let l = s.last, chars.contains(l) { s = s[s.startIndex..<s.index(before: s.endIndex)] }
        return String(s)
    }
}
