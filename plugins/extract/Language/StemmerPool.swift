import CStemmer
import Synchronization

/// One Snowball stemmer (libstemmer) for one language. Not thread-safe: a stemmer keeps its working
/// buffer inside, so one thread at a time; ``StemmerPool`` hands them out.
final class Stemmer {
    private let handle: OpaquePointer

    /// nil when libstemmer has no stemmer for `language` (an ISO 639-1 code: it knows "en", "de", …).
    init?(language: String) {
        guard let handle = sb_stemmer_new(language, "UTF_8") else { return nil }
        self.handle = handle
    }

    deinit { sb_stemmer_delete(handle) }

    /// The stem of a lowercase word; the word itself when stemming fails (out of memory).
    func stem(_ word: String) -> String {
        var word = word
        return word.withUTF8 { bytes -> String in
            guard let base = bytes.baseAddress,
                let stemmed = sb_stemmer_stem(handle, base, Int32(bytes.count))
            else { return String(decoding: bytes, as: UTF8.self) }
            let length = Int(sb_stemmer_length(handle))
            return String(decoding: UnsafeBufferPointer(start: stemmed, count: length), as: UTF8.self)
        }
    }
}

/// What the extractor needs to know about the words of one language: the stemmer, the stop words, and a
/// memory of the words already seen. News repeats its vocabulary, so most words of an article were seen
/// before: the memory answers them without lowercasing, stemming or a stop-word lookup (those cost more
/// than everything else the extractor does). Used by one task at a time, like its stemmer.
final class WordKit {
    let language: String?
    private let stemmer: Stemmer?
    private let stopWords: Set<String>
    /// Spelling as written (``WordHash`` of the bytes) → stem id << 1 | stop, in the table itself (a
    /// separate array of words was a second cache miss per lookup). A 64-bit hash: two spellings of
    /// the ~10⁵ a language kit holds collide with a chance of about 10⁻⁹.
    @exclusivity(unchecked)
    private var bySpelling = IntTable(capacity: 4_096)
    /// Stem → stem id.
    @exclusivity(unchecked)
    private var stemIds: [String: Int32] = [:]
    @exclusivity(unchecked)
    private(set) var stems: [String] = []
    /// Spellings remembered.
    @exclusivity(unchecked)
    private var words = 0
    /// Words remembered at most; then the memory starts again (between two texts).
    private let capacity = 200_000

    init(language: String?) {
        self.language = language
        stemmer = language.flatMap { Stemmer(language: $0) }
        stopWords = language.flatMap { StopWords.words(for: $0) } ?? []
    }

    /// Forgets everything when full. Call between texts only: stem ids change.
    func trim() {
        guard words > capacity else { return }
        bySpelling = IntTable(capacity: 4_096)
        stemIds = [:]
        stems = []
        words = 0
    }

    /// The stem id and stop flag of a spelling; `lowercase` gives the word lowercased when it is new.
    /// Words of one character are stop words.
    @inline(__always)
    func word(hash: UInt64, length: Int, lowercase: () -> String) -> (stem: Int32, stop: Bool) {
        let (packed, _) = bySpelling.value(for: hash) {
            let lower = lowercase()
            let stop = length == 1 || stopWords.contains(lower)
            let stem = stemmer?.stem(lower) ?? lower
            let id: Int32
            if let known = stemIds[stem] {
                id = known
            } else {
                id = Int32(stems.count)
                stemIds[stem] = id
                stems.append(stem)
            }
            words += 1
            return id << 1 | (stop ? 1 : 0)
        }
        return (packed >> 1, packed & 1 == 1)
    }
}

/// Idle word kits per language, so concurrent tasks never share one and a busy process does not build
/// one per article. A task takes a kit, uses it for one text, and gives it back.
final class StemmerPool: Sendable {
    /// A kit in the pool belongs to no task, so it may move between them.
    private struct Idle: @unchecked Sendable {
        var byLanguage: [String: [WordKit]] = [:]
    }

    private let idle = Mutex(Idle())
    /// Idle kits kept per language; more are freed when given back.
    private let keep: Int

    init(keep: Int = 8) { self.keep = keep }

    /// Runs `body` with a kit of its own for `language` (nil: no stemming, no stop words).
    func withKit<R>(for language: String?, _ body: (WordKit) -> R) -> R {
        let code = language.map { $0 == "nb" || $0 == "nn" ? "no" : $0 }
        let slot = code ?? ""
        let taken = idle.withLock { UncheckedBox($0.byLanguage[slot]?.popLast()) }.value
        let kit = taken ?? WordKit(language: code)
        kit.trim()
        defer {
            let box = UncheckedBox(kit)
            idle.withLock { state in
                if state.byLanguage[slot, default: []].count < keep { state.byLanguage[slot, default: []].append(box.value) }
            }
        }
        return body(kit)
    }
}

/// Carries a kit across the pool's lock; only one task holds it at a time.
private struct UncheckedBox<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
