import Foundation
import IngestCore
import StageExtract
import Testing

@Suite("entities")
struct EntityTests {
    @Test("the Crocus City Hall story yields its people, organisations and places")
    func crocus() {
        let found = Extract.entities(crocusStory)
        let expected: Set<String> = [
            "person:Vladimir Putin", "person:Karine Jean-Pierre", "person:Anatoly Antonov",
            "organisation:White House", "organisation:State Department", "organisation:FSB", "organisation:ISIS",
            "organisation:Investigative Committee",
            "place:Moscow", "place:Washington", "place:Crocus City Hall", "place:Ukraine",
        ]
        #expect(expected.subtracting(found).isEmpty, "missing: \(expected.subtracting(found).sorted())")
        // Nothing is found twice under two names or two kinds.
        #expect(!found.contains("person:Putin") && !found.contains("person:Antonov") && !found.contains("person:Jean-Pierre"))
        #expect(!found.contains { $0.hasSuffix(":Russian") || $0.hasSuffix(":Gunmen") || $0.hasSuffix(":Friday") })
        print(found.sorted())
    }
}

@Suite("entity cues")
struct EntityCueTests {
    @Test("a title before a name makes a person, and is not part of the name", arguments: [
        ("Yesterday Minister Olu Adebayo opened the new clinic.", "person:Olu Adebayo"),
        ("The bill was signed by Governor Maren Falk on Monday.", "person:Maren Falk"),
        ("The statement came from spokesperson Tilde Brandt after the meeting.", "person:Tilde Brandt"),
        ("Critics wrote to Dr Ewa Nowicka about the plan.", "person:Ewa Nowicka"),
        ("Reporters asked Secretary of State Amos Kerrigan about the talks.", "person:Amos Kerrigan"),
    ])
    func personTitle(text: String, expected: String) {
        #expect(Extract.entities(text).contains(expected))
    }

    @Test("an organisation's word makes an organisation", arguments: [
        ("Shares of Norvik Holdings rose after the results.", "organisation:Norvik Holdings"),
        ("The report by the Harbour Safety Committee was published.", "organisation:Harbour Safety Committee"),
        ("A loan from the Bank of Lorland was approved.", "organisation:Bank of Lorland"),
        ("Kestrel Ltd announced new jobs.", "organisation:Kestrel Ltd"),
    ])
    func organisationWord(text: String, expected: String) {
        #expect(Extract.entities(text).contains(expected))
    }

    @Test("\"in\" or \"near\" before a name makes a place", arguments: [
        ("The festival was held in Vellmar this year.", "place:Vellmar"),
        ("Flooding was reported near Dunrow and the coast road closed.", "place:Dunrow"),
        ("The ceremony took place at Grisham Square on Sunday.", "place:Grisham Square"),
    ])
    func placeCue(text: String, expected: String) {
        #expect(Extract.entities(text).contains(expected))
    }

    @Test("the gazetteer knows countries, capitals and organisations without any cue")
    func gazetteer() {
        let found = Extract.entities("Officials said Kenya and Norway signed the deal, which NATO welcomed while Reuters reported it.")
        #expect(found.isSuperset(of: ["place:Kenya", "place:Norway", "organisation:NATO", "organisation:Reuters"]))
    }

    @Test("an unknown acronym is an organisation")
    func acronym() {
        #expect(Extract.entities("The report was written by the KWVR and sent to ministers.").contains("organisation:KWVR"))
    }

    @Test("a surname alone is the full name seen earlier, with its count")
    func surnameAgreement() {
        let text = "President Halvard Ostergaard spoke on Friday. Later, Ostergaard said the plan would go ahead. Mr Ostergaard left."
        let article = ExtractStage().extract(Article(text: text, origin: Extract.origin(), format: .text))
        let person = article.entities.first { $0.name == "Halvard Ostergaard" }
        #expect(person?.kind == .person)
        #expect(person?.count == 3)
        #expect(!article.entities.contains { $0.name == "Ostergaard" })
    }

    @Test("a capitalised word that only starts a sentence is no entity")
    func sentenceStart() {
        let found = Extract.entities("Officials met on Monday. Nobody spoke. Witnesses described smoke. Later the road reopened.")
        #expect(found.isEmpty, "\(found)")
    }

    @Test("a capitalised word at a sentence start is kept when it is a name elsewhere")
    func sentenceStartKnownElsewhere() {
        let found = Extract.entities("Talks were held in Marrowby on Monday. Marrowby has hosted them before.")
        #expect(found.contains("place:Marrowby"))
    }

    @Test("a name without any evidence is left out rather than guessed")
    func noEvidence() {
        let found = Extract.entities("The report mentioned Quillfeather twice, and Quillfeather again later on.")
        #expect(!found.contains { $0.hasSuffix("Quillfeather") })
    }

    @Test("a possessive splits two names: Russia's Investigative Committee")
    func possessive() {
        let found = Extract.entities("Officials said Russia's Investigative Committee opened a case.")
        #expect(found.isSuperset(of: ["place:Russia", "organisation:Investigative Committee"]))
    }
}
