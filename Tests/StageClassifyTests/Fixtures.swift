import StageClassify
import Foundation
import IngestCore
import Logging

/// Short news texts written for these tests (not taken from any corpus).
enum Texts {
    static let politics = (
        title: "Prime minister faces rebellion over housing bill",
        text: """
        The prime minister faced a rebellion from his own backbench MPs on Tuesday as the government's housing \
        bill returned to the Commons. Opposition parties said the legislation would do little for first-time \
        buyers, and several Conservative MPs threatened to vote against it unless ministers agreed to changes.

        The chancellor defended the policy in a speech at Downing Street, while the Labour leader called for a \
        general election. A senior minister said the cabinet would meet on Thursday to discuss amendments \
        before the vote in parliament next week.
        """
    )

    static let matchReport = (
        title: "Late penalty sends United top of the league",
        text: """
        United moved to the top of the league after a late penalty from their captain secured a 2-1 win over \
        City at a packed stadium on Saturday. The visitors had taken the lead through their striker after 20 \
        minutes, but United equalised early in the second half when the midfielder headed in a corner.

        The referee pointed to the spot in injury time after the goalkeeper brought down a substitute, and the \
        captain scored to spark wild celebrations among the home fans. The manager praised his squad for their \
        fight and said the result would give the players confidence before next week's cup tie.
        """
    )

    static let quarterlyResults = (
        title: "Retailer's quarterly profit beats forecasts",
        text: """
        Shares in the retailer rose 6% on Wednesday after it reported quarterly results ahead of analysts' \
        forecasts. Revenue for the three months to September grew 8% to $4.2 billion, while operating profit \
        rose to $310 million as margins improved.

        The chief executive said online sales and a tighter grip on costs had offset weaker demand in stores. \
        The company raised its full-year earnings guidance and announced a higher dividend, and said it would \
        buy back up to $500 million of its shares. Investors welcomed the update.
        """
    )

    static let terroristAttack = (
        title: "Gunmen kill twelve in attack on hotel",
        text: """
        Gunmen stormed a hotel in the capital on Friday night, killing twelve people and wounding dozens more \
        in what officials called a terrorist attack. Security forces surrounded the building and freed the \
        hostages after a siege that lasted several hours; three militants were killed.

        An extremist group linked to al-Qaeda claimed responsibility in a statement online. The government \
        declared three days of mourning and promised to step up counter-terrorism operations, and police \
        said a suicide bomber had blown himself up at the entrance as the attack began.
        """
    )
}

let logger = Logger(label: "classify-test")

func article(title: String?, text: String) -> Article {
    Article(
        text: text, title: title, origin: Origin(source: "t", kind: .cli, location: "test", receivedAt: Date()),
        format: .text)
}

/// A small labelled corpus for training tests: each label has its own vocabulary, with shared filler words.
func syntheticExamples(perLabel: Int = 30) -> [Example] {
    let vocabulary = [
        "sport": ["match", "goal", "striker", "league", "referee", "penalty", "stadium", "coach"],
        "business": ["shares", "profit", "revenue", "investors", "dividend", "market", "earnings", "bank"],
        "politics": ["minister", "parliament", "election", "vote", "party", "policy", "cabinet", "senate"],
    ]
    let filler = ["the", "said", "on", "after", "week", "new", "year", "people", "that", "with"]
    var random = TestRandom(seed: 7)
    var examples: [Example] = []
    for label in vocabulary.keys.sorted() {
        let words = vocabulary[label]!
        for _ in 0..<perLabel {
            var text: [String] = []
            for _ in 0..<40 {
                text.append(
                    random.next() % 3 == 0
                        ? words[Int(random.next() % UInt64(words.count))]
                        : filler[Int(random.next() % UInt64(filler.count))])
            }
            examples.append(Example(text: text.joined(separator: " "), labels: [label]))
        }
    }
    return examples
}

struct TestRandom {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return state >> 33
    }
}

func section(_ values: [String: ConfigValue], path: String = "stages.classify") -> ConfigSection {
    ConfigSection(path: path, values: values, problems: ConfigProblems())
}
