import Foundation
import ExtractLanguage
public import IngestCore
public import Logging

/// Reads what an article is: its metadata (title, authors, dates, site, canonical URL, description, image),
/// language, key phrases, the people, organisations and places it names, its length and a short summary.
///
/// Runs after clean, which keeps the whole page in `html` by default: the page's metadata (JSON-LD, OpenGraph,
/// `<title>`, `h1`, bylines, `<time>`) is read from it with libxml2. A feed item or JSON article keeps the
/// title, authors and date it came with; the page fills only what it lacks. Never drops an article and never
/// fails one: what cannot be read stays empty.
///
/// - Configuration keys (section `stages.extract`): see ``Configuration`` and plugins/extract/README.md.
public struct ExtractStage: Stage {
    public static let name = "extract"

    let extractor: Extractor

    public init(configuration: Configuration, context: StageContext) throws {
        let gazetteer = try configuration.gazetteer.map { path throws(ExtractError) in
            try Gazetteer.loading(configuration.resolve(path, in: context))
        }
        var background: BackgroundModel?
        if let path = configuration.keywordsBackground {
            do {
                background = try BackgroundModel.load(from: configuration.resolve(path, in: context))
            } catch {
                throw ExtractError.background(path: path, reason: "\(error)")
            }
        }
        extractor = Extractor(configuration, gazetteer: gazetteer ?? .builtIn, background: background)
    }

    /// With the built-in gazetteer: for tests and the benchmark.
    public init(configuration: Configuration = Configuration()) {
        extractor = Extractor(configuration, gazetteer: .builtIn)
    }

    public func process(_ article: Article, logger: Logger) async throws -> StageOutcome {
        let (result, notes) = extractor.extract(article)
        if !notes.isEmpty {
            logger.debug("extract: \(notes.joined(separator: "; "))", metadata: ["article.location": "\(article.origin.location)"])
        }
        return .continue(result)
    }

    /// The same work, synchronously: for tests and the benchmark.
    public func extract(_ article: Article) -> Article {
        extractor.extract(article).article
    }
}
