import ArgumentParser
import ExtractLanguage
import Foundation
import Glibc

/// `ingestctl extract …`: the extract stage's pieces on their own (language, keywords), for operators
/// and the evaluation scripts. One process handles any number of texts, so batch use stays fast.
struct Extract: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Detect the language or the keywords of texts, as the extract stage would.",
        subcommands: [Language.self, Keywords.self, Background.self])
}

/// Reads the texts named on the command line, or stdin.
private func readText(_ path: String) throws -> String {
    if path == "-" {
        return String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
    }
    guard let data = FileManager.default.contents(atPath: path) else {
        throw ValidationError("cannot read \(path)")
    }
    return String(decoding: data, as: UTF8.self)
}

/// Splits a file's first line off (title) from the rest (body).
private func splitFirstLine(_ text: String) -> (first: String, rest: String) {
    guard let newline = text.firstIndex(of: "\n") else { return (text, "") }
    return (String(text[..<newline]), String(text[text.index(after: newline)...]))
}

private func jsonLine(_ value: some Encodable) -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    guard let data = try? encoder.encode(value) else { return "{}" }
    return String(decoding: data, as: UTF8.self)
}

private func format(_ value: Double) -> String { String(format: "%.3f", value) }

extension Extract {
    struct Language: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Detect the language of each FILE (or of each stdin line with --lines) with CLD2.",
            discussion: """
                Prints one line per text: the ISO 639-1 code ("-" when the text is too short or unknown), \
                the confidence (0…1) and whether CLD2 calls it reliable; with --json one JSON object per line.
                """)

        @Argument(help: "Text files; '-' or none reads stdin.") var files: [String] = []
        @Flag(name: .long, help: "Each stdin line is a text of its own.") var lines = false
        @Flag(name: .long, help: "One JSON object per text.") var json = false

        struct Output: Encodable {
            var file: String?
            var line: Int?
            var language: String?
            var confidence: Double
            var reliable: Bool
            var cld2: String
            var percent: Int
            var textBytes: Int
        }

        func validate() throws {
            if lines && !files.isEmpty { throw ValidationError("--lines reads stdin; give no FILE") }
        }

        func run() throws {
            if lines {
                var number = 0
                while let line = Swift.readLine(strippingNewline: true) {
                    number += 1
                    report(line, file: nil, line: number)
                }
                return
            }
            for file in files.isEmpty ? ["-"] : files {
                report(try readText(file), file: file, line: nil)
            }
        }

        private func report(_ text: String, file: String?, line: Int?) {
            let guess = LanguageDetector.detect(text)
            if json {
                let raw = LanguageDetector.detectRaw(text)
                print(
                    jsonLine(
                        Output(
                            file: file, line: line, language: guess?.code, confidence: guess?.confidence ?? 0,
                            reliable: guess?.reliable ?? false, cld2: raw?.cld2Code ?? "un", percent: raw?.percent ?? 0,
                            textBytes: raw?.textBytes ?? 0)))
            } else {
                let name = file.map { "\($0)\t" } ?? ""
                if let guess {
                    print("\(name)\(guess.code)\t\(format(guess.confidence))\t\(guess.reliable ? "reliable" : "unreliable")")
                } else {
                    print("\(name)-\t0.000\tunreliable")
                }
            }
        }
    }

    struct Keywords: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the key phrases of each FILE, as the extract stage would.",
            discussion: """
                The language is detected with CLD2 unless --language is given. With --method tfidf the \
                background model is --background FILE (from `ingestctl extract background`), else one \
                learnt from the FILEs in order, each scored before it is added. --bench times language \
                detection and both methods over the FILEs (release build) instead of printing keywords.
                """)

        @Argument(help: "Text files.") var files: [String]
        @Option(name: .long, help: "yake (default) or tfidf.") var method: String = KeywordMethod.yake.rawValue
        @Option(name: .long, help: "Key phrases per text.") var limit = 10
        @Option(name: .long, help: "ISO 639-1 code for every text (default: detect each).") var language: String?
        @Option(name: .long, help: "A background model file for tfidf.") var background: String?
        @Flag(name: .long, help: "The background model holds these FILEs: leave each one out when scoring it.")
        var leaveOneOut = false
        @Flag(name: .long, help: "The first line of each file is its title.") var titleFirstLine = false
        @Flag(name: .long, help: "Ignore the first line of each file.") var dropFirstLine = false
        @Flag(name: .long, help: "One JSON object per file.") var json = false
        @Flag(name: .long, help: "Time language detection and keywords instead (hidden, for benchmarks).")
        var bench = false
        @Option(name: .long, help: "Rounds over the FILEs with --bench.") var rounds = 3

        struct Output: Encodable {
            var file: String
            var language: String?
            var keywords: [Phrase]
            struct Phrase: Encodable {
                var phrase: String
                var score: Double
            }
        }

        func validate() throws {
            guard KeywordMethod(rawValue: method) != nil else { throw ValidationError("--method must be yake or tfidf") }
            guard (1...1000).contains(limit) else { throw ValidationError("--limit must be 1…1000") }
            if titleFirstLine && dropFirstLine {
                throw ValidationError("--title-first-line and --drop-first-line exclude each other")
            }
            if leaveOneOut && background == nil { throw ValidationError("--leave-one-out needs --background") }
            guard rounds >= 1 else { throw ValidationError("--rounds must be at least 1") }
        }

        func run() throws {
            let chosen = KeywordMethod(rawValue: method) ?? .yake
            var model: BackgroundModel?
            if let background {
                do { model = try BackgroundModel.load(from: background) } catch { throw ValidationError("\(error)") }
            }
            let extractor = KeywordExtractor(method: chosen, background: model, learns: model == nil)
            if bench {
                try runBench(extractor)
                return
            }
            for file in files {
                let (title, body) = try texts(of: file)
                let code = language ?? LanguageDetector.detect(body)?.code
                let keywords = extractor.keywords(
                    in: body, title: title, language: code, limit: limit, method: chosen,
                    backgroundHoldsText: leaveOneOut)
                if json {
                    print(
                        jsonLine(
                            Output(
                                file: file, language: code,
                                keywords: keywords.map { Output.Phrase(phrase: $0.phrase, score: $0.score) })))
                } else {
                    print("\(file)\t\(code ?? "-")\t" + keywords.map(\.phrase).joined(separator: "; "))
                }
            }
        }

        private func texts(of file: String) throws -> (title: String?, body: String) {
            let text = try readText(file)
            if titleFirstLine {
                let (first, rest) = splitFirstLine(text)
                return (first, rest)
            }
            if dropFirstLine { return (nil, splitFirstLine(text).rest) }
            return (nil, text)
        }

        struct BenchResult: Encodable {
            var articles: Int
            var meanBytes: Double
            var languageMicros: Double
            var yakeMicros: Double
            var tfidfMicros: Double
            var languageAndYakeMicros: Double
        }

        /// Median of `rounds` passes for each part, in µs of CPU time per article.
        private func runBench(_ extractor: KeywordExtractor) throws {
            let texts = try files.map { try self.texts(of: $0) }
            guard !texts.isEmpty else { throw ValidationError("--bench needs FILEs") }
            let codes = texts.map { LanguageDetector.detect($0.body)?.code }
            let tfidf = KeywordExtractor(method: .tfidf)
            // Warm the learnt model once, so TF-IDF is timed against a full background as in a long run.
            for (index, text) in texts.enumerated() {
                _ = tfidf.keywords(in: text.body, title: text.title, language: codes[index], limit: limit)
            }
            // CPU time of this thread: on a shared machine, wall time counts the waits for a core too.
            func cpuMicros() -> Double {
                var spec = timespec()
                clock_gettime(CLOCK_THREAD_CPUTIME_ID, &spec)
                return Double(spec.tv_sec) * 1e6 + Double(spec.tv_nsec) / 1e3
            }
            func time(_ body: () -> Void) -> Double {
                var samples: [Double] = []
                for _ in 0..<rounds {
                    let start = cpuMicros()
                    body()
                    samples.append(cpuMicros() - start)
                }
                return samples.sorted()[samples.count / 2] / Double(texts.count)
            }
            var sink = 0
            let language = time { for text in texts { sink &+= LanguageDetector.detect(text.body)?.code.count ?? 0 } }
            let yake = time {
                for (index, text) in texts.enumerated() {
                    sink &+= extractor.keywords(
                        in: text.body, title: text.title, language: codes[index], limit: limit, method: .yake
                    ).count
                }
            }
            let tfidfTime = time {
                for (index, text) in texts.enumerated() {
                    sink &+= tfidf.keywords(
                        in: text.body, title: text.title, language: codes[index], limit: limit, method: .tfidf,
                        backgroundHoldsText: true
                    ).count
                }
            }
            let bytes = texts.reduce(0) { $0 + $1.body.utf8.count + ($1.title?.utf8.count ?? 0) }
            let result = BenchResult(
                articles: texts.count, meanBytes: Double(bytes) / Double(texts.count), languageMicros: language,
                yakeMicros: yake, tfidfMicros: tfidfTime, languageAndYakeMicros: language + yake)
            print(jsonLine(result))
            if sink == -1 { print("") }
        }
    }

    struct Background: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Build a background model (document frequencies) for --method tfidf from text files.",
            discussion: """
                Counts each file's stemmed content words once, per detected language (or --language), and \
                writes the model for `extract keywords --background` or the stage's keywords_background.
                """)

        @Argument(help: "Text files.") var files: [String]
        @Option(name: .long, help: "Where to write the model.") var out: String
        @Option(name: .long, help: "ISO 639-1 code for every text (default: detect each).") var language: String?

        func run() throws {
            let model = BackgroundModel()
            let extractor = KeywordExtractor()
            for file in files {
                let text = try readText(file)
                let code = language ?? LanguageDetector.detect(text)?.code
                model.add(stems: extractor.backgroundStems(of: text, title: nil, language: code), language: code)
            }
            try model.write(to: out)
            print("counted \(model.documentCount) texts, \(model.termCount) stems; wrote \(out)")
        }
    }
}
