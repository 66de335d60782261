import ArgumentParser
import StageClassify
import Foundation
import Glibc
import IngestCore

/// `ingestctl classify …`: train and evaluate topic models, and print the default taxonomy to edit.
/// Needs no daemon; a running daemon picks up a new model file on reload (SIGHUP).
struct Classify: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train and evaluate topic models; print the default taxonomy (rules).",
        subcommands: [Train.self, Evaluate.self, Taxonomy.self, LabelFiles.self, Bench.self])
}

/// Model options shared by `train`, `evaluate` and `bench`.
struct ModelOptions: ParsableArguments {
    @Option(
        name: .long,
        help: "svm (linear SVM by SGD, the default), logreg (logistic regression by SGD) or nb (naive Bayes).")
    var algorithm: String = TrainingOptions().algorithm.rawValue
    @Option(name: .long, help: "Passes over the data (svm, logreg).") var epochs = TrainingOptions().epochs
    @Option(name: .long, help: "log2 of the number of hash buckets.") var bucketBits = TrainingOptions().bucketBits
    @Option(name: .long, help: "1: words; 2: words and word pairs.") var ngrams = TrainingOptions().ngrams
    @Option(name: .long, help: "L2 regularisation (svm, logreg).") var regularization = TrainingOptions().regularization
    @Option(name: .long, help: "Drop n-grams seen in fewer documents.") var minDf = TrainingOptions()
        .minDocumentFrequency

    func validate() throws {
        guard Algorithm(rawValue: algorithm) != nil else {
            throw ValidationError(
                "--algorithm must be one of \(Algorithm.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard (10...24).contains(bucketBits) else { throw ValidationError("--bucket-bits must be 10…24") }
        guard (1...2).contains(ngrams) else { throw ValidationError("--ngrams must be 1 or 2") }
        guard (1...1000).contains(epochs) else { throw ValidationError("--epochs must be 1…1000") }
        guard regularization > 0 else { throw ValidationError("--regularization must be positive") }
    }

    var trainingOptions: TrainingOptions {
        var options = TrainingOptions()
        options.algorithm = Algorithm(rawValue: algorithm) ?? .linearSVM
        options.epochs = epochs
        options.bucketBits = bucketBits
        options.ngrams = ngrams
        options.regularization = regularization
        options.minDocumentFrequency = minDf
        return options
    }
}

extension Classify {
    struct Train: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Train a model from labelled examples and write it to a file.",
            discussion: """
                --data is a JSON Lines file (one {"text": …, "label": …} or {"text": …, "labels": […]} per line, \
                optional "title") or a folder with one sub-folder of text files per label. Point \
                [stages.classify] model at the file; a running ingestd loads it again on reload (SIGHUP).
                """)

        @Option(name: .long, help: "Examples: FILE.jsonl or a folder of label folders.") var data: String
        @Option(name: .long, help: "Where to write the model.") var out: String
        @OptionGroup var model: ModelOptions

        func run() throws {
            let clock = ContinuousClock()
            let start = clock.now
            let examples = try TrainingData.load(data)
            let loaded = clock.now
            let trained = try Trainer.train(
                examples, options: model.trainingOptions, trainedAt: ISO8601DateFormatter().string(from: Date()))
            let done = clock.now
            try ModelFile.write(trained, to: out)
            print(
                """
                trained \(trained.algorithm.rawValue) on \(examples.count) examples, \(trained.labels.count) labels \
                (\(trained.labels.joined(separator: ", ")))
                read in \(format(seconds(start.duration(to: loaded))))s, trained in \
                \(format(seconds(loaded.duration(to: done))))s; wrote \(out)
                """)
        }
    }

    struct Evaluate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "k-fold cross-validation: accuracy, macro-F1, per-label precision and recall, confusion matrix.",
            discussion:
                "Exact duplicate texts are removed first (keeping the first) so that no copy is in both a training and a test part; --keep-duplicates keeps them."
        )

        @Option(name: .long, help: "Examples: FILE.jsonl or a folder of label folders.") var data: String
        @Option(name: .long, help: "Number of folds.") var folds = 5
        @Option(name: .long, help: "Seed of the fold split.") var seed: UInt64 = 1
        @Flag(name: .long, help: "Keep exact duplicate texts.") var keepDuplicates = false
        @Flag(name: .long, help: "One JSON object instead of the report.") var json = false
        @OptionGroup var model: ModelOptions

        func validate() throws {
            guard (2...100).contains(folds) else { throw ValidationError("--folds must be 2…100") }
        }

        func run() throws {
            var examples = try TrainingData.load(data)
            var removed = 0
            if !keepDuplicates { (examples, removed) = TrainingData.removingExactDuplicates(examples) }
            let report = try Evaluator.crossValidate(examples, folds: folds, options: model.trainingOptions, seed: seed)
            if json {
                struct Output: Encodable {
                    var data: String
                    var duplicatesRemoved: Int
                    var report: EvaluationReport
                }
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys]
                let line = try encoder.encode(Output(data: data, duplicatesRemoved: removed, report: report))
                print(String(decoding: line, as: UTF8.self))
                return
            }
            print(
                "\(report.folds)-fold cross-validation of \(report.algorithm.rawValue) on \(report.documents) examples "
                    + "(\(removed) exact duplicates removed)")
            print("accuracy  \(percent(report.accuracy))   macro-F1 \(percent(report.macroF1))")
            print("folds     \(report.foldAccuracies.map(percent).joined(separator: "  "))")
            let meanTrain = report.trainSeconds.reduce(0, +) / Double(report.trainSeconds.count)
            print(
                "training  \(format(meanTrain))s per fold on average, \(format(report.trainSeconds.max() ?? 0))s at most\n"
            )
            let width = max(5, report.labels.map(\.count).max() ?? 5)
            print(pad("LABEL", width) + "  PRECISION  RECALL     F1  SUPPORT")
            for m in report.perLabel {
                print(
                    pad(m.label, width) + "  " + lpad(percent(m.precision), 9) + "  " + lpad(percent(m.recall), 6)
                        + "  "
                        + lpad(percent(m.f1), 5) + "  " + lpad("\(m.support)", 7))
            }
            print("\nconfusion (rows: true label, columns: predicted)")
            let cell = max(5, width)
            print(pad("", width) + report.labels.map { "  " + lpad(String($0.prefix(cell)), cell) }.joined())
            for (label, row) in zip(report.labels, report.confusion) {
                print(pad(label, width) + row.map { "  " + lpad("\($0)", cell) }.joined())
            }
        }
    }

    struct Taxonomy: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Print the default taxonomy (the built-in rules) as TOML, to copy, edit and name in `taxonomy = …`.")

        func run() {
            print(DefaultTaxonomy.toml, terminator: "")
        }
    }

    struct LabelFiles: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "label",
            abstract: "Print the labels the classify stage would give texts, one JSON object a line; needs no daemon.",
            discussion:
                "Each file is one text, or with --jsonl a JSON Lines file of {\"text\": …, \"title\": …} objects. Uses the built-in taxonomy unless --taxonomy or --no-rules says otherwise."
        )

        @Option(name: .long, help: "A model file.") var model: String?
        @Option(name: .long, help: "A taxonomy file instead of the built-in one.") var taxonomy: String?
        @Flag(name: .long, help: "Do not apply the rules (then --model is needed).") var noRules = false
        @Flag(name: .long, help: "The files are JSON Lines with a \"text\" per line.") var jsonl = false
        @Argument(help: "Text files, or JSON Lines files with --jsonl.") var files: [String]

        func run() throws {
            var configuration = ClassifyStage.Configuration()
            configuration.model = model
            configuration.taxonomy = taxonomy
            configuration.rules = !noRules
            guard configuration.rules || model != nil else { throw ValidationError("--no-rules needs --model") }
            let cwd = FileManager.default.currentDirectoryPath
            let stage = try ClassifyStage(configuration: configuration, context: StageContext(stateDirectory: cwd))
            struct Output: Encodable {
                var file: String
                var line: Int?
                var labels: [IngestCore.Label]
            }
            for file in files {
                if jsonl {
                    for (i, item) in try TrainingData.loadTitledTexts(file).enumerated() {
                        try printJSONLine(
                            Output(file: file, line: i + 1, labels: stage.labels(title: item.title, text: item.text)))
                    }
                } else {
                    guard let data = FileManager.default.contents(atPath: file) else {
                        throw ValidationError("\(file): cannot read the file")
                    }
                    let text = String(decoding: data, as: UTF8.self)
                    try printJSONLine(Output(file: file, line: nil, labels: stage.labels(text: text)))
                }
            }
        }
    }

    /// The Swift half of the classification benchmark (scripts/bench_classify.py).
    struct Bench: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "For the benchmark: time a model over texts held in memory and print one JSON object.",
            discussion:
                "Reads --docs (JSON Lines with \"text\") into memory, then classifies every text --repeat times with the model (--model) or with the full stage (--stage: default rules plus the model) and prints docs, bytes, repeat, wall_secs, docs_per_sec and mb_per_sec.",
            shouldDisplay: false)

        @Option(name: .long, help: "The model file.") var model: String
        @Option(name: .long, help: "JSON Lines with a \"text\" per line.") var docs: String
        @Option(name: .long, help: "How many times every text is classified.") var `repeat` = 1
        @Flag(name: .long, help: "Run the whole stage (rules and model) instead of the model alone.") var stage = false

        func run() throws {
            let texts = try TrainingData.loadTexts(docs)
            let loaded = try ModelFile.read(from: model)
            let result = try ClassifyBenchmark.run(
                texts: texts, model: loaded, modelPath: model, repeat: `repeat`, wholeStage: stage)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            print(String(decoding: try encoder.encode(result), as: UTF8.self))
        }
    }
}

private func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

private func format(_ value: Double) -> String { String(format: "%.2f", value) }
private func percent(_ value: Double) -> String { String(format: "%.2f%%", value * 100) }
private func pad(_ s: String, _ width: Int) -> String {
    s.padding(toLength: max(width, s.count), withPad: " ", startingAt: 0)
}
private func lpad(_ s: String, _ width: Int) -> String { String(repeating: " ", count: max(0, width - s.count)) + s }
