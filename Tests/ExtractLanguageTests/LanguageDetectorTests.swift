import ExtractLanguage
import Testing

@Suite struct LanguageDetectorTests {
    /// Short texts written for these tests, one per language.
    static let samples: [(code: String, text: String)] = [
        ("en", "The city council voted on Tuesday to build a new bridge across the river before winter."),
        ("de", "Der Stadtrat hat am Dienstag beschlossen, vor dem Winter eine neue Brücke über den Fluss zu bauen."),
        ("fr", "Le conseil municipal a décidé mardi de construire un nouveau pont sur la rivière avant l'hiver."),
        ("es", "El ayuntamiento decidió el martes construir un nuevo puente sobre el río antes del invierno."),
        ("it", "Il consiglio comunale ha deciso martedì di costruire un nuovo ponte sul fiume prima dell'inverno."),
        ("ru", "Городской совет во вторник решил построить новый мост через реку до наступления зимы."),
        ("zh", "市议会星期二决定在冬天到来之前在河上修建一座新桥，以方便居民出行。"),
        ("ar", "قرر مجلس المدينة يوم الثلاثاء بناء جسر جديد فوق النهر قبل حلول فصل الشتاء."),
        ("ja", "市議会は火曜日、冬が来る前に川に新しい橋を架けることを決めました。"),
        ("sv", "Kommunfullmäktige beslutade på tisdagen att bygga en ny bro över floden före vintern."),
    ]

    @Test(arguments: samples.map(\.code))
    func shortTextsInManyLanguages(code: String) throws {
        let text = try #require(Self.samples.first { $0.code == code }).text
        let guess = try #require(LanguageDetector.detect(text))
        #expect(guess.code == code)
        #expect(guess.confidence > 0.5 && guess.confidence <= 1)
    }

    @Test(arguments: ["", "   ", "12345 678.90", "ok", "The cat", "!!! ??? ...", "\n\n\t"])
    func tooShortOrNoLettersGivesNil(text: String) {
        #expect(LanguageDetector.detect(text) == nil)
    }

    @Test func mixedTextNamesTheMajorityWithLowerConfidence() throws {
        let english = Self.samples[0].text + " The bridge will cost twelve million pounds and open next year."
            + " Engineers said the old crossing had become unsafe for lorries and buses after the floods."
        let german = Self.samples[1].text
        let pureGuess = try #require(LanguageDetector.detect(english))
        let mixedGuess = try #require(LanguageDetector.detect(english + " " + german))
        #expect(mixedGuess.code == "en")
        #expect(mixedGuess.confidence < pureGuess.confidence)
        let raw = try #require(LanguageDetector.detectRaw(english + " " + german))
        #expect(raw.percent < 90)
    }

    /// One language in the first 512 bytes answers from them; a sample that is mixed there goes on to read
    /// 1 KB, where the opening sentence of another language is a smaller share.
    @Test func firstLookAnswersWhenOneLanguageHoldsIt() throws {
        let english = Self.samples[0].text + " The bridge will cost twelve million pounds and open next year."
            + " Engineers said the old crossing had become unsafe for lorries and buses after the floods."
        let long = String(repeating: english + " ", count: 8)
        #expect(long.utf8.count > 2 * LanguageDetector.firstLookBytes)
        let first = try #require(LanguageDetector.detectRaw(long, maxBytes: LanguageDetector.firstLookBytes))
        #expect(first.reliable && first.percent >= LanguageDetector.firstLookPercent)
        let guess = try #require(LanguageDetector.detect(long))
        #expect(guess.code == "en")
        // The first look's figures, not the full read's: its letter count is under 512.
        let lengthFactor = 1 - 2 / Double(first.textBytes)
        #expect(abs(guess.confidence - Double(first.percent) / 100 * lengthFactor) < 1e-9)

        // A German lead of about 200 bytes is too large a share of 512 bytes; 1 KB decides, for English.
        let lead = Self.samples[1].text + " " + Self.samples[1].text + " " + long
        let mixed = try #require(LanguageDetector.detectRaw(lead, maxBytes: LanguageDetector.firstLookBytes))
        #expect(mixed.percent < LanguageDetector.firstLookPercent)
        let full = try #require(LanguageDetector.detectRaw(lead))
        let answer = try #require(LanguageDetector.detect(lead))
        #expect(answer.code == "en" && full.cld2Code == "en")
        #expect(abs(answer.confidence - Double(full.percent) / 100 * (1 - 2 / Double(full.textBytes)) * (full.reliable ? 1 : 0.5)) < 1e-9)
    }

    @Test func hugeTextIsCappedAndStillAnswered() throws {
        // 2 MB of German: CLD2 reads only the first 2 KB (16 KB at most, whatever is asked).
        let german = String(repeating: Self.samples[1].text + " ", count: 20_000)
        let guess = try #require(LanguageDetector.detect(german))
        #expect(guess.code == "de")
        let raw = try #require(LanguageDetector.detectRaw(german))
        #expect(raw.textBytes <= LanguageDetector.defaultMaxBytes)
        let most = try #require(LanguageDetector.detectRaw(german, maxBytes: 10_000_000))
        #expect(most.textBytes > LanguageDetector.defaultMaxBytes && most.textBytes <= 16_384)
        // English after 4 KB of German is not read at all (by default).
        let late = String(repeating: Self.samples[1].text + " ", count: 40) + String(repeating: Self.samples[0].text, count: 200)
        #expect(LanguageDetector.detect(late)?.code == "de")
        // A cap that falls inside a multi-byte character must not make the text invalid.
        let russian = "a" + String(repeating: Self.samples[5].text + " ", count: 2_000)
        let cut = try #require(LanguageDetector.detectRaw(russian))
        #expect(cut.cld2Code == "ru" && !cut.replacedBytes)
    }

    @Test func controlCharactersDoNotHideTheLanguage() throws {
        // A cp1252 apostrophe decoded as Latin-1 leaves U+0092, which CLD2 alone rejects outright.
        let text = "Le conseil municipal a décidé mardi de construire un nouveau pont sur la rivière avant l\u{92}hiver."
        let raw = try #require(LanguageDetector.detectRaw(text))
        #expect(raw.replacedBytes)
        #expect(LanguageDetector.detect(text)?.code == "fr")
        let withNUL = "The city council voted\u{0} on Tuesday to build a new bridge\u{7F} across the river\u{FFFE} today."
        #expect(LanguageDetector.detect(withNUL)?.code == "en")
    }

    @Test func cld2CodesAreMappedToISO639_1() throws {
        let hebrew = "מועצת העיר החליטה ביום שלישי לבנות גשר חדש מעל הנהר לפני החורף."
        #expect(LanguageDetector.detect(hebrew)?.code == "he")
        let traditional = "市議會星期二決定在冬天到來之前在河上修建一座新橋，以方便居民出行。"
        #expect(LanguageDetector.detect(traditional)?.code == "zh")
    }

    @Test func concurrentDetectionGivesTheSameAnswers() async {
        let expected = Self.samples.map { LanguageDetector.detect($0.text) }
        let results = await withTaskGroup(of: (Int, [LanguageGuess?]).self) { group in
            for worker in 0..<16 {
                group.addTask {
                    var answers: [LanguageGuess?] = []
                    for _ in 0..<20 { answers = Self.samples.map { LanguageDetector.detect($0.text) } }
                    return (worker, answers)
                }
            }
            var all: [[LanguageGuess?]] = []
            for await (_, answers) in group { all.append(answers) }
            return all
        }
        #expect(results.count == 16)
        for answers in results { #expect(answers == expected) }
    }
}
