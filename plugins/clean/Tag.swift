/// The HTML elements the clean stage treats differently, as one byte each so the page tree stays small.
///
/// Every other element is `.other`: it neither scores nor breaks paragraphs, and its text is kept.
enum Tag: UInt8 {
    case other
    case html, body, head, title, base, meta, link
    case p, div, section, article, main, span, a, img, picture, figure, figcaption, video, audio
    case h1, h2, h3, h4, h5, h6
    case ul, ol, li, dl, dt, dd
    case table, thead, tbody, tfoot, tr, td, th, caption
    case pre, code, blockquote, br, hr, address
    case b, strong, i, em, u, s, sub, sup, small, mark, q, cite, abbr, time, del, ins, kbd, samp, `var`
    case form, fieldset, input, textarea, select, button, label, option
    case script, style, noscript, template, svg, math, iframe, object, embed, canvas, applet, frame, frameset
    case nav, aside, footer, header, menu, dialog, details, summary

    static let byName: [String: Tag] = {
        var table: [String: Tag] = [:]
        for raw in UInt8(1)...Tag.summary.rawValue {
            let tag = Tag(rawValue: raw)!
            table["\(tag)".replacingBackticks()] = tag
        }
        return table
    }()

    /// The element's name as UTF-8, by raw value: what the HTML writer writes. (Interpolating the case
    /// instead, `"\(tag)"`, goes through reflection for every tag written.)
    static let names: [[UInt8]] = (0...Tag.summary.rawValue).map { raw in
        Array("\(Tag(rawValue: raw)!)".replacingBackticks().utf8)
    }

    var name: [UInt8] { Tag.names[Int(rawValue)] }

    /// Never text: dropped with everything inside before anything else looks at the page.
    var isInvisible: Bool {
        switch self {
        case .head, .title, .base, .meta, .link, .script, .style, .noscript, .template, .svg, .iframe, .object,
            .embed, .canvas, .applet, .frame, .frameset, .input, .textarea, .select, .button, .option, .dialog:
            return true
        default: return false
        }
    }

    /// Page chrome by its element name: navigation, sidebars, footers.
    var isChrome: Bool { self == .nav || self == .aside || self == .footer || self == .menu }

    /// Ends the paragraph before and after it when the text is written out.
    var isBlock: Bool {
        switch self {
        case .p, .div, .section, .article, .main, .figure, .figcaption, .h1, .h2, .h3, .h4, .h5, .h6, .ul, .ol, .li,
            .dl, .dt, .dd, .table, .thead, .tbody, .tfoot, .tr, .caption, .pre, .blockquote, .hr, .address, .form,
            .fieldset, .header, .footer, .nav, .aside, .details, .summary, .body, .html, .video, .audio:
            return true
        default: return false
        }
    }

    /// Readability's DIV_TO_P_ELEMS: a `div` holding none of these reads as a paragraph.
    var isParagraphBreaker: Bool {
        switch self {
        case .blockquote, .dl, .div, .img, .ol, .p, .pre, .table, .ul, .section, .article, .figure, .h1, .h2, .h3,
            .h4, .h5, .h6:
            return true
        default: return false
        }
    }

    var isHeading: Bool { (Tag.h1.rawValue...Tag.h6.rawValue).contains(rawValue) }
}

extension Tag {
    /// The tag of an element name as libxml2 gives it, what `byName[String(cString: name).lowercased()]`
    /// finds. libxml2 does not intern element names (each element has its own copy), so a cache by pointer
    /// never hit: an ASCII name of up to 16 bytes is packed, lowercased, into two words and looked up in a
    /// small table instead, without a String. Anything else takes the String path.
    static func of(name: UnsafePointer<UInt8>) -> Tag {
        var low: UInt64 = 0
        var high: UInt64 = 0
        var i = 0
        while name[i] != 0 {
            var b = name[i]
            if b >= 0x80 || i == 16 { return byName[String(cString: name).lowercased()] ?? .other }
            if b &- 0x41 < 26 { b |= 0x20 }
            if i < 8 { low |= UInt64(b) << UInt64(8 * i) } else { high |= UInt64(b) << UInt64(8 * (i - 8)) }
            i += 1
        }
        return PackedNames.table.find(low, high)
    }

    /// Every tag's name packed as ``of(name:)`` packs it, in an open-addressing table of 256 slots.
    private struct PackedNames {
        static let table = PackedNames()
        private var low = [UInt64](repeating: 0, count: 256)
        private var high = [UInt64](repeating: 0, count: 256)
        private var tags = [Tag](repeating: .other, count: 256)

        private init() {
            for (name, tag) in Tag.byName {
                var low: UInt64 = 0
                var high: UInt64 = 0
                for (i, b) in name.utf8.enumerated() {
                    if i < 8 { low |= UInt64(b) << UInt64(8 * i) } else { high |= UInt64(b) << UInt64(8 * (i - 8)) }
                }
                var slot = Self.slot(low, high)
                while self.low[slot] != 0 { slot = (slot + 1) & 255 }
                self.low[slot] = low
                self.high[slot] = high
                tags[slot] = tag
            }
        }

        private static func slot(_ low: UInt64, _ high: UInt64) -> Int {
            Int(truncatingIfNeeded: ((low ^ (high &* 0xFF51_AFD7_ED55_8CCD)) &* 0x9E37_79B9_7F4A_7C15) >> 56)
        }

        /// An empty slot has `low` 0: every name has a first byte.
        func find(_ low: UInt64, _ high: UInt64) -> Tag {
            var slot = Self.slot(low, high)
            while self.low[slot] != 0 {
                if self.low[slot] == low && self.high[slot] == high { return tags[slot] }
                slot = (slot + 1) & 255
            }
            return .other
        }
    }
}

extension String {
    fileprivate func replacingBackticks() -> String { filter { $0 != "`" } }
}
