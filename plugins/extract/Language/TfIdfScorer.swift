import Foundation

/// TF-IDF against a ``BackgroundModel``: a phrase scores its count in the text × the sum of its content
/// words' inverse document frequencies, `idf = ln((N + 1) / (df + 1)) + 1`. A phrase of two or three words
/// must occur at least twice (once is chance), unless the text is too short to repeat anything.
enum TfIdfScorer {
    static func scores(_ document: DocumentTerms, frequencies: BackgroundModel.Frequencies) -> [Double] {
        let terms = document.terms
        let documents = Double(frequencies.documents)
        let idf = terms.indices.map { index -> Double in
            let df = Double(frequencies.counts[index])
            return log((documents + 1) / (df + 1)) + 1
        }
        let short = document.tokens.tokens.count < 150
        return document.candidates.map { candidate in
            if candidate.length > 1 && candidate.count < 2 && !short { return 0 }
            var sum = 0.0
            for term in document.contentTerms(of: candidate) { sum += idf[Int(term)] }
            return Double(candidate.count) * sum
        }
    }
}
