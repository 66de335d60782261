import Testing

@testable import StageClassify

/// The classify stage tokenises an article once and both the rules and the model read those words
/// (``TokenBuffer``): these check that reading them gives what tokenising the text itself gave.
@Suite("shared tokens")
struct SharedTokensTests {
    func tokens(_ texts: String...) -> TokenBuffer {
        let buffer = TokenBuffer(capacity: 4)
        for text in texts {
            var text = text
            text.withUTF8 { _ = buffer.append($0) }
        }
        return buffer
    }

    @Test("a token buffer holds the tokenizer's words, and grows")
    func buffer() {
        let text = String(repeating: "Hello, world—it's 2024! Café “open”… ", count: 300)
        var expected: [(UInt64, Int, Int)] = []
        var bytes = Array(text.utf8)
        bytes.withUnsafeMutableBufferPointer { buffer in
            Tokenizer.forEachWord(in: UnsafeBufferPointer(buffer)) { expected.append(($0, $1, $2)) }
        }
        let buffer = tokens(text)
        #expect(buffer.count == expected.count)
        for (i, word) in expected.enumerated() {
            #expect(buffer.hashes[i] == word.0 && Int(buffer.starts[i]) == word.1 && Int(buffer.lengths[i]) == word.2)
        }
    }

    @Test("a token buffer holds the tokenizer's words on every kind of byte run")
    func branchFree() {
        // Random runs over the bytes that matter: letters of both cases, digits, separators, the lead and
        // continuation bytes of punctuation marks (E2 80 xx, E2 81 xx) and of other characters, and marks
        // cut short at the end of the text.
        let alphabet: [UInt8] = [0x41, 0x5A, 0x61, 0x7A, 0x30, 0x39, 0x20, 0x2C, 0x0A, 0xE2, 0x80, 0x81, 0x94, 0x9C, 0xC3, 0xA9, 0xD0]
        var rng = SystemRandomNumberGenerator()
        for round in 0..<2000 {
            let length = round < 50 ? round : Int.random(in: 0...80, using: &rng)
            var bytes = (0..<length).map { _ in alphabet.randomElement(using: &rng)! }
            var expected: [(UInt64, Int, Int)] = []
            bytes.withUnsafeMutableBufferPointer { buffer in
                Tokenizer.forEachWord(in: UnsafeBufferPointer(buffer)) { expected.append(($0, $1, $2)) }
            }
            let buffer = TokenBuffer(capacity: 1)
            bytes.withUnsafeMutableBufferPointer { _ = buffer.append(UnsafeBufferPointer($0)) }
            let got = (0..<buffer.count).map { (buffer.hashes[$0], Int(buffer.starts[$0]), Int(buffer.lengths[$0])) }
            #expect(got.count == expected.count, "bytes \(bytes)")
            guard got.count == expected.count else { return }
            for (g, e) in zip(got, expected) {
                #expect(g.0 == e.0 && g.1 == e.1 && g.2 == e.2, "bytes \(bytes)")
            }
        }
    }

    @Test("features of title and text tokens equal those of \"title\\n\\ntext\"", arguments: [1, 2])
    func features(ngrams: Int) {
        let space = FeatureSpace(bucketBits: 12, ngrams: ngrams)
        let (title, text) = ("Prime Minister — a vote", "The vote, a goal: goal goal “open” Café")
        let fromText = FeatureCounter()
        var full = "\(title)\n\n\(text)"
        full.withUTF8 { space.count($0, into: fromText) }
        let fromTokens = FeatureCounter()
        space.count(tokens(title, text), into: fromTokens)
        var a: [[Int]] = []
        var b: [[Int]] = []
        fromText.forEach { a.append([$0, Int($1)]) }
        fromTokens.forEach { b.append([$0, Int($1)]) }
        #expect(a == b, "same buckets, counts and first-seen order (so the same float sums)")
    }

    @Test("the stage's model scores equal the model's on \"title\\n\\ntext\"")
    func modelScores() throws {
        let model = try Trainer.train(syntheticExamples(), options: TrainingOptions())
        let (title, text) = ("Striker scores", "the striker scored a goal and the minister lost the vote")
        var raw = [Float](repeating: 0, count: model.labels.count)
        let shared = model.classify(tokens(title, text), counter: FeatureCounter(), scores: &raw)
        let direct = model.classify("\(title)\n\n\(text)")
        #expect(shared.map(\.label) == direct.map(\.label))
        #expect(shared.map(\.score) == direct.map(\.score))
    }

    func matcher(_ toml: String) throws -> RuleMatcher {
        RuleMatcher(try Taxonomy.parse(toml, source: "test"), scoring: .init())
    }

    @Test("prefix terms sharing their first letters each match up to their own length")
    func sharedPrefixes() throws {
        let m = try matcher(
            """
            [labels.a]
            terms = { "ter*" = 3 }
            [labels.b]
            terms = { "terr*" = 3 }
            [labels.c]
            terms = { "terror*" = 3 }
            [labels.d]
            terms = { "terrorism*" = 3 }
            [labels.e]
            terms = { "tea*" = 3 }
            """)
        #expect(Set(m.evaluate(title: nil, text: "Terrorist").scores.map(\.label)) == ["a", "b", "c"])
        #expect(Set(m.evaluate(title: nil, text: "terrorism").scores.map(\.label)) == ["a", "b", "c", "d"])
        #expect(Set(m.evaluate(title: nil, text: "te tea terse").scores.map(\.label)) == ["a", "e"])
    }

    @Test("a phrase does not run from the title into the text, nor past the last word")
    func phraseBounds() throws {
        let m = try matcher(
            """
            [labels.a]
            terms = { "prime minister" = 3, "air strike*" = 3 }
            """)
        #expect(m.evaluate(title: "Prime", text: "Minister").scores.isEmpty)
        #expect(m.evaluate(title: "Prime minister", text: "x").scores.count == 1)
        #expect(m.evaluate(title: nil, text: "air").scores.isEmpty)
        #expect(m.evaluate(title: nil, text: "air st").scores.isEmpty)
        // Far into a long text (the buffers grow) the phrase with a prefix last word still matches.
        let filler = String(repeating: "word ", count: 5000)
        #expect(m.evaluate(title: nil, text: filler + "Air—Strikes").scores.count == 1)
    }

    @Test("one scratch buffer reused across articles gives the same verdicts")
    func reuse() throws {
        let m = RuleMatcher(Taxonomy.builtIn(), scoring: .init())
        let buffer = TokenBuffer(capacity: 2)
        for sample in [Texts.politics, Texts.matchReport, Texts.terroristAttack, Texts.politics] {
            #expect(
                m.evaluate(title: sample.title, text: sample.text, tokens: buffer)
                    == m.evaluate(title: sample.title, text: sample.text))
        }
    }
}

@Suite("tokenizer byte table")
struct TokenizerTableTests {
    @Test("the byte table agrees with isWordByte and lowercased for every byte")
    func table() {
        for b in 0..<256 {
            let byte = UInt8(b)
            #expect(Tokenizer.wordBytes[b] == (Tokenizer.isWordByte(byte) ? Tokenizer.lowercased(byte) : 0))
        }
        #expect(Tokenizer.wordBytes[Int(UInt8(ascii: "0"))] != 0, "no word byte maps to 0, the separator mark")
    }
}
