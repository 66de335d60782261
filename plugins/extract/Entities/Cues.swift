import Foundation
import IngestCore
/// The words around and inside a name that tell what it names. English; lowercased ASCII.
///
/// The lists are read once, into ``table``: one lookup of a word gives every list it is on (``Cue``), so
/// the recogniser hashes a word once however many lists it asks about.
enum Cues {
    /// Titles and roles that put a person's name after them ("President Vladimir Putin", "spokesperson
    /// Karine Jean-Pierre", "Mr Putin").
    static let personTitles: [String] = [
        "president", "minister", "ambassador", "secretary", "spokesperson", "spokesman", "spokeswoman", "mr", "mrs",
        "ms", "miss", "dr", "sir", "dame", "lord", "lady", "senator", "sen", "rep", "representative", "congressman",
        "congresswoman", "governor", "gov", "mayor", "judge", "justice", "general", "gen", "colonel", "col",
        "captain", "capt", "lieutenant", "lt", "sergeant", "sgt", "commissioner", "chancellor", "chairman",
        "chairwoman", "chairperson", "ceo", "director", "king", "queen", "prince", "princess", "pope", "professor",
        "prof", "sheikh", "emir", "sultan", "premier", "attorney", "adviser", "advisor", "envoy", "diplomat",
        "speaker", "archbishop", "bishop", "cardinal", "rabbi", "imam", "detective", "inspector", "officer",
        "coach", "manager", "founder", "reporter", "correspondent", "analyst", "economist", "lawyer", "leader",
        "commander", "marshal", "admiral", "president-elect", "vice-president", "deputy", "head", "chief",
        "superintendent", "constable", "novelist", "actor", "actress", "singer", "author", "historian",
        "scientist", "researcher", "cofounder", "co-founder", "executive", "mp", "mep", "engineer", "teacher",
        "farmer", "doctor", "nurse", "student", "resident", "witness", "activist", "campaigner", "businessman",
        "businesswoman", "entrepreneur", "investor", "banker", "architect", "designer", "artist", "writer",
        "journalist", "editor", "photographer", "pilot", "player", "striker", "goalkeeper",
        "midfielder", "defender", "athlete", "champion", "candidate", "councillor", "councilor", "magistrate",
        "prosecutor", "investigator", "mother", "father", "daughter", "son", "wife", "husband",
    ]

    /// Words that can stand before a title inside a capitalised run and belong to it ("Prime Minister",
    /// "Foreign Minister", "Press Secretary", "Vice President").
    static let titleModifiers: [String] = [
        "prime", "vice", "foreign", "deputy", "press", "chief", "defence", "defense", "interior", "finance",
        "health", "education", "justice", "state", "general", "senior", "former", "acting", "interim", "first",
        "home", "trade", "energy", "economy", "culture", "transport", "agriculture", "labour", "labor",
        "environment", "executive", "managing", "assistant", "associate", "attorney", "lord", "grand", "supreme",
        "federal", "national", "security", "white", "house", "regional", "district", "police", "army", "navy",
    ]

    /// Last words of organisations' names ("Apple Inc", "Investigative Committee").
    static let organisationHeads: [String] = [
        "inc", "inc.", "ltd", "ltd.", "llc", "plc", "corp", "corp.", "corporation", "company", "co", "group",
        "holdings", "ministry", "committee", "department", "party", "bank", "university", "agency", "council",
        "commission", "court", "office", "service", "services", "union", "association", "institute",
        "foundation", "organisation", "organization", "army", "navy", "police", "parliament", "senate",
        "congress", "assembly", "authority", "board", "bureau", "administration", "government", "cabinet",
        "federation", "alliance", "coalition", "front", "movement", "brigade", "battalion", "forces", "guard",
        "network", "news", "times", "post", "journal", "press", "television", "radio", "airlines", "airways",
        "motors", "technologies", "systems", "labs", "studios", "club", "fc", "society", "trust", "fund",
        "college", "school", "academy", "hospital", "church", "guardia", "directorate", "secretariat", "tribunal",
        "reserve", "exchange", "insurance", "energy", "telecom", "media", "records", "pictures", "sa", "ag",
        "gmbh", "nv", "ab", "asa", "spa", "league", "united", "museum", "gallery", "library", "orchestra",
    ]

    /// First words of organisations named "X of Y" ("Ministry of Defence", "University of Oxford").
    static let organisationLeads: [String] = [
        "ministry", "department", "university", "bank", "committee", "council", "commission", "court", "office",
        "institute", "academy", "college", "church", "house", "board", "bureau", "federation", "union",
        "association", "organisation", "organization", "party", "agency", "school", "museum", "league",
    ]

    /// Last words of places' names ("Crocus City Hall", "Red Square", "Moscow Region").
    static let placeHeads: [String] = [
        "city", "hall", "street", "st", "square", "avenue", "road", "boulevard", "bridge", "airport", "station",
        "province", "region", "oblast", "district", "county", "state", "island", "islands", "river", "lake",
        "sea", "ocean", "gulf", "bay", "mountain", "mountains", "mount", "valley", "desert", "peninsula", "strait",
        "coast", "park", "stadium", "arena", "centre", "center", "cathedral", "palace", "tower", "port",
        "harbour", "harbor", "village", "town", "territory", "territories", "republic", "kingdom", "highway",
        "canal", "forest", "plaza", "market", "mall", "theatre", "theater", "prison", "base",
        "crossing", "heights", "hills", "beach", "falls", "camp", "dam", "reservoir", "glacier", "volcano",
    ]

    /// First words of places' names ("River Tarn", "Lake Geneva", "Mount Etna").
    static let placeLeads: [String] = ["river", "lake", "mount", "cape", "gulf", "port", "fort", "isle", "bay", "sea"]

    /// Adjectives of nations and regions: stripped before a person's title ("Russian President …") but part of an
    /// institution's or a place's name ("British Museum", "European Commission").
    static let demonyms: [String] = [
        "russian", "american", "ukrainian", "british", "french", "german", "chinese", "european", "western",
        "soviet", "israeli", "palestinian", "iranian", "indian", "national", "royal", "federal", "central",
    ]

    /// Before a place: "in Moscow", "near Krasnogorsk". Strong ones.
    static let placePrepositions: [String] = [
        "in", "near", "outside", "across", "throughout", "towards", "toward", "into", "around", "inside",
        "within", "northern", "southern", "eastern", "western", "central",
    ]
    /// Weaker: "at Crocus City Hall", "from Washington" (also "at Google", "from Jane").
    static let weakPlacePrepositions: [String] = ["at", "from", "via", "to"]

    /// Verbs of speech after a name: its subject is most often a person (or an organisation speaking).
    static let speechVerbs: [String] = [
        "said", "says", "told", "added", "stated", "wrote", "explained", "asked", "noted", "argued", "insisted",
        "warned", "claimed", "replied", "tweeted", "posted", "denied", "confirmed", "announced", "urged",
    ]

    /// Joining words allowed inside a name when a capitalised word follows ("Bank of England",
    /// "Osama bin Laden", "Charles de Gaulle"). "for" only after an organisation's word ("Centre for …");
    /// "and" and "on" never ("Russia and Ukraine" is two names).
    static let connectors: [String] = [
        "of", "de", "del", "della", "der", "den", "van", "von", "bin", "ibn", "al", "el", "da", "do", "dos", "du",
        "la", "le", "y", "for",
    ]

    /// Capitalised words that start sentences and headlines but are not names; stripped from a run's start.
    static let nonNames: [String] = [
        "the", "a", "an", "this", "that", "these", "those", "in", "on", "at", "by", "for", "with", "from", "to",
        "of", "and", "but", "or", "nor", "so", "yet", "if", "as", "after", "before", "when", "while", "where",
        "why", "how", "what", "who", "which", "according", "several", "many", "some", "most", "all", "both",
        "each", "every", "it", "its", "he", "she", "they", "we", "you", "i", "his", "her", "their", "our", "my",
        "your", "there", "here", "then", "now", "today", "yesterday", "tomorrow", "also", "however", "meanwhile",
        "although", "though", "because", "since", "until", "despite", "during", "under", "over", "about", "into",
        "no", "not", "one", "two", "three", "four", "five", "first", "last", "next", "new", "more", "other",
        "another", "such", "only", "even", "just", "still", "once", "earlier", "later", "will", "would",
        "can", "could", "should", "may", "might", "must", "is", "are", "was", "were", "be", "been", "has", "have",
        "had", "do", "does", "did", "said", "says", "officials",
        "police", "witnesses", "authorities", "local", "russian", "american", "ukrainian", "british", "french",
        "german", "chinese", "european", "western", "soviet", "israeli", "palestinian", "iranian", "indian",
        "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january", "february",
        "march", "april", "june", "july", "august", "september", "october", "november", "december", "breaking",
        "update", "updated", "read", "photo", "video", "watch", "see", "like", "yes", "oh", "please", "thanks",
    ]

    /// Month and day names, which never make an entity on their own.
    static let calendarWords: [String] = [
        "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january", "february",
        "march", "april", "may", "june", "july", "august", "september", "october", "november", "december",
        "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
    ]

    /// Every list's words with the lists they are on.
    static let table: CueTable = {
        let lists: [(Cue, [String])] = [
            (.personTitle, personTitles), (.titleModifier, titleModifiers), (.organisationHead, organisationHeads),
            (.organisationLead, organisationLeads), (.placeHead, placeHeads), (.placeLead, placeLeads),
            (.demonym, demonyms), (.placePreposition, placePrepositions),
            (.weakPlacePreposition, weakPlacePrepositions), (.speechVerb, speechVerbs), (.connector, connectors),
            (.nonName, nonNames), (.calendarWord, calendarWords), (.of, ["of"]), (.for, ["for"]), (.who, ["who"]),
        ]
        var cues: [String: Cue] = [:]
        for (cue, words) in lists {
            for word in words {
                // ``MentionFinder/textCues(_:)`` relies on it: a word with a capital or a non-ASCII byte is on no list.
                precondition(word.utf8.allSatisfy { $0 < 0x80 && !($0 >= 0x41 && $0 <= 0x5A) }, "cue words are lowercase ASCII")
                cues[word, default: []].insert(cue)
            }
        }
        return CueTable(cues)
    }()
}

/// Words to the ``Cue``s they carry, with a bit filter in front: most words asked about (the names
/// themselves) are on no list, and are turned away on their length and end bytes without being hashed.
struct CueTable {
    private var table: ByteTable
    private var filter = ShapeFilter()

    init(_ cues: [String: Cue]) {
        table = ByteTable(capacity: cues.count)
        for (word, cue) in cues {
            table.set(word, Int32(bitPattern: cue.rawValue))
            filter.insert(word)
        }
    }

    /// The lists `word` is on.
    @inline(__always)
    func cues(_ word: UnsafeBufferPointer<UInt8>) -> Cue {
        guard filter.mayContain(word) else { return [] }
        return Cue(rawValue: UInt32(bitPattern: table.value(word) ?? 0))
    }
}

/// The lists of ``Cues`` a word is on, as bits.
struct Cue: OptionSet {
    let rawValue: UInt32
    static let personTitle = Cue(rawValue: 1 << 0)
    static let titleModifier = Cue(rawValue: 1 << 1)
    static let organisationHead = Cue(rawValue: 1 << 2)
    static let organisationLead = Cue(rawValue: 1 << 3)
    static let placeHead = Cue(rawValue: 1 << 4)
    static let placeLead = Cue(rawValue: 1 << 5)
    static let demonym = Cue(rawValue: 1 << 6)
    static let placePreposition = Cue(rawValue: 1 << 7)
    static let weakPlacePreposition = Cue(rawValue: 1 << 8)
    static let speechVerb = Cue(rawValue: 1 << 9)
    static let connector = Cue(rawValue: 1 << 10)
    static let nonName = Cue(rawValue: 1 << 11)
    static let calendarWord = Cue(rawValue: 1 << 12)
    /// The words themselves, which the recogniser compares with: "of", "for", "who".
    static let of = Cue(rawValue: 1 << 13)
    static let `for` = Cue(rawValue: 1 << 14)
    static let who = Cue(rawValue: 1 << 15)
    /// On either list of last words: an organisation's or a place's.
    var isHead: Bool { !isDisjoint(with: [.organisationHead, .placeHead]) }
}
