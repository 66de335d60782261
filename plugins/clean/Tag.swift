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

extension String {
    fileprivate func replacingBackticks() -> String { filter { $0 != "`" } }
}
