/// Named character references that appear in real text: the five XML ones and the HTML ones news pages
/// and feeds use. One table for decoding, HTML text and feed repair alike.
public enum HTMLEntities {
    public static let named: [String: String] = [
        "nbsp": "\u{A0}", "copy": "©", "reg": "®", "trade": "™", "mdash": "—", "ndash": "–", "hellip": "…",
        "lsquo": "‘", "rsquo": "’", "ldquo": "“", "rdquo": "”", "laquo": "«", "raquo": "»", "bull": "•",
        "middot": "·", "deg": "°", "euro": "€", "pound": "£", "yen": "¥", "cent": "¢", "sect": "§", "para": "¶",
        "times": "×", "divide": "÷", "plusmn": "±", "frac12": "½", "frac14": "¼", "frac34": "¾", "iexcl": "¡",
        "iquest": "¿", "shy": "\u{AD}", "eacute": "é", "egrave": "è", "ecirc": "ê", "euml": "ë", "aacute": "á",
        "agrave": "à", "acirc": "â", "auml": "ä", "aring": "å", "atilde": "ã", "aelig": "æ", "ccedil": "ç",
        "iacute": "í", "igrave": "ì", "icirc": "î", "iuml": "ï", "ntilde": "ñ", "oacute": "ó", "ograve": "ò",
        "ocirc": "ô", "ouml": "ö", "otilde": "õ", "oslash": "ø", "uacute": "ú", "ugrave": "ù", "ucirc": "û",
        "uuml": "ü", "yacute": "ý", "yuml": "ÿ", "szlig": "ß", "Eacute": "É", "Egrave": "È", "Aacute": "Á",
        "Agrave": "À", "Auml": "Ä", "Ouml": "Ö", "Uuml": "Ü", "Ccedil": "Ç", "Ntilde": "Ñ", "Oslash": "Ø",
        "Aring": "Å", "thinsp": "\u{2009}", "ensp": "\u{2002}", "emsp": "\u{2003}", "zwnj": "\u{200C}",
        "zwj": "\u{200D}", "lrm": "\u{200E}", "rlm": "\u{200F}", "sbquo": "‚", "bdquo": "„", "dagger": "†",
        "Dagger": "‡", "permil": "‰", "lsaquo": "‹", "rsaquo": "›", "prime": "′", "Prime": "″", "larr": "←",
        "rarr": "→", "uarr": "↑", "darr": "↓", "harr": "↔", "hearts": "♥", "acute": "´", "uml": "¨",
        "macr": "¯", "ordf": "ª", "ordm": "º", "sup1": "¹", "sup2": "²", "sup3": "³", "micro": "µ", "not": "¬",
        "curren": "¤", "brvbar": "¦", "cedil": "¸", "apos": "'", "quot": "\"", "amp": "&", "lt": "<", "gt": ">",
        ]
}
