import Foundation
import IngestCore
/// The words around and inside a name that tell what it names. English; lowercased.
enum Cues {
    /// Titles and roles that put a person's name after them ("President Vladimir Putin", "spokesperson
    /// Karine Jean-Pierre", "Mr Putin").
    static let personTitles: WordSet = [
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
    static let titleModifiers: WordSet = [
        "prime", "vice", "foreign", "deputy", "press", "chief", "defence", "defense", "interior", "finance",
        "health", "education", "justice", "state", "general", "senior", "former", "acting", "interim", "first",
        "home", "trade", "energy", "economy", "culture", "transport", "agriculture", "labour", "labor",
        "environment", "executive", "managing", "assistant", "associate", "attorney", "lord", "grand", "supreme",
        "federal", "national", "security", "white", "house", "regional", "district", "police", "army", "navy",
    ]

    /// Last words of organisations' names ("Apple Inc", "Investigative Committee").
    static let organisationHeads: WordSet = [
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
    static let organisationLeads: WordSet = [
        "ministry", "department", "university", "bank", "committee", "council", "commission", "court", "office",
        "institute", "academy", "college", "church", "house", "board", "bureau", "federation", "union",
        "association", "organisation", "organization", "party", "agency", "school", "museum", "league",
    ]

    /// Last words of places' names ("Crocus City Hall", "Red Square", "Moscow Region").
    static let placeHeads: WordSet = [
        "city", "hall", "street", "st", "square", "avenue", "road", "boulevard", "bridge", "airport", "station",
        "province", "region", "oblast", "district", "county", "state", "island", "islands", "river", "lake",
        "sea", "ocean", "gulf", "bay", "mountain", "mountains", "mount", "valley", "desert", "peninsula", "strait",
        "coast", "park", "stadium", "arena", "centre", "center", "cathedral", "palace", "tower", "port",
        "harbour", "harbor", "village", "town", "territory", "territories", "republic", "kingdom", "highway",
        "canal", "forest", "plaza", "market", "mall", "theatre", "theater", "prison", "base",
        "crossing", "heights", "hills", "beach", "falls", "camp", "dam", "reservoir", "glacier", "volcano",
    ]

    /// First words of places' names ("River Tarn", "Lake Geneva", "Mount Etna").
    static let placeLeads: WordSet = ["river", "lake", "mount", "cape", "gulf", "port", "fort", "isle", "bay", "sea"]

    /// Adjectives of nations and regions: stripped before a person's title ("Russian President …") but part of an
    /// institution's or a place's name ("British Museum", "European Commission").
    static let demonyms: WordSet = [
        "russian", "american", "ukrainian", "british", "french", "german", "chinese", "european", "western",
        "soviet", "israeli", "palestinian", "iranian", "indian", "national", "royal", "federal", "central",
    ]

    /// Before a place: "in Moscow", "near Krasnogorsk". Strong ones.
    static let placePrepositions: WordSet = [
        "in", "near", "outside", "across", "throughout", "towards", "toward", "into", "around", "inside",
        "within", "northern", "southern", "eastern", "western", "central",
    ]
    /// Weaker: "at Crocus City Hall", "from Washington" (also "at Google", "from Jane").
    static let weakPlacePrepositions: WordSet = ["at", "from", "via", "to"]

    /// Verbs of speech after a name: its subject is most often a person (or an organisation speaking).
    static let speechVerbs: WordSet = [
        "said", "says", "told", "added", "stated", "wrote", "explained", "asked", "noted", "argued", "insisted",
        "warned", "claimed", "replied", "tweeted", "posted", "denied", "confirmed", "announced", "urged",
    ]

    /// Joining words allowed inside a name when a capitalised word follows ("Bank of England",
    /// "Osama bin Laden", "Charles de Gaulle"). "for" only after an organisation's word ("Centre for …");
    /// "and" and "on" never ("Russia and Ukraine" is two names).
    static let connectors: WordSet = [
        "of", "de", "del", "della", "der", "den", "van", "von", "bin", "ibn", "al", "el", "da", "do", "dos", "du",
        "la", "le", "y", "for",
    ]

    /// Capitalised words that start sentences and headlines but are not names; stripped from a run's start.
    static let nonNames: WordSet = [
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
    static let calendarWords: WordSet = [
        "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january", "february",
        "march", "april", "may", "june", "july", "august", "september", "october", "november", "december",
        "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
    ]
}
