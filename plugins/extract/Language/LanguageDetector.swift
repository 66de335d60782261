import CCLD2

/// Language identification with CLD2 (libcld2, through the `CCLD2` shim).
///
/// - Only the first 1 KB of a text is read by default (``defaultMaxBytes``; at most 16 KB,
///   `CLD2_SHIM_MAX_BYTES`): CLD2's time grows with the length (about 60 µs per KB) while its answer for
///   an article is settled by its first sentences, and the time stays flat for huge inputs. A first look
///   at 512 bytes answers alone when one language holds it (``firstLookBytes``).
/// - Characters CLD2 refuses (C0/C1 controls, noncharacters) are read as spaces: one stray U+0092 from a
///   cp1252 page decoded as Latin-1 would otherwise make CLD2 reject the whole text.
/// - The answer is the language of the largest share of the text, not CLD2's summary language, which
///   passes over English in a mixed text (see `cld2_shim.cpp`).
/// - CLD2 runs in best-effort mode, so a sentence gets an answer; a text with fewer than
///   ``minimumTextBytes`` bytes of letters gets none (nil), as two or three words are a guess.
/// - `confidence` = the share of the text in the language × (1 − 2 / letter bytes), halved when CLD2
///   calls the answer unreliable. The length factor follows CLD2's error rate on the langid sample
///   (`scripts/eval_langid.py`): about 7 % for 20–40 bytes of letters, 3 % for 60–100, under 1 % past 200.
///
/// Reentrant: CLD2 keeps its working state on the stack and its tables are read-only, so any number of
/// tasks can call ``detect(_:)`` at once.
public enum LanguageDetector {
    /// Fewer letter bytes than this (as CLD2 counts them) give no answer.
    public static let minimumTextBytes = 16

    /// The bytes read by default. CLD2 costs about 60 µs of CPU per KB here (measured with
    /// `ingestctl extract keywords --bench`), as much as the keywords of a whole article, while 1 KB of
    /// prose (six or so sentences) already settles an article's language: CLD2 is 99 % right on single
    /// sentences of 200+ letters (`scripts/eval_langid.py`).
    public static let defaultMaxBytes = 1_024

    /// A first look reads this many bytes; when CLD2 finds one language there, reliably and for at least
    /// ``firstLookPercent`` of it, that is the answer and the rest of ``defaultMaxBytes`` is not read.
    ///
    /// Why not always 512 bytes: on 300 texts of 12 sentences that open with one sentence of another
    /// language, 512 bytes were right on 286 and 1 KB on 299, since the opening sentence is a larger share
    /// of the shorter sample. Those samples are the mixed ones, which the first look sends on to 1 KB: with
    /// it, those 300 are right on 299 and 440 texts of one language on 440, as with 1 KB, and 449 of the 740
    /// took the first look only (`scripts/eval_langid.py`'s sample). An article in one language costs CLD2
    /// half as much.
    public static let firstLookBytes = 512
    public static let firstLookPercent = 90

    /// nil when the text is too short to tell or CLD2 says unknown. Reads the first `maxBytes` bytes
    /// (at most 16 KB, `CLD2_SHIM_MAX_BYTES`), cut at a character boundary, after a first look at
    /// ``firstLookBytes`` of them when the text is longer.
    public static func detect(_ text: String, maxBytes: Int = defaultMaxBytes) -> LanguageGuess? {
        if maxBytes > firstLookBytes, text.utf8.count > firstLookBytes,
            let first = detectRaw(text, maxBytes: firstLookBytes), first.reliable, first.percent >= firstLookPercent,
            let answer = guess(from: first)
        {
            return answer
        }
        guard let result = detectRaw(text, maxBytes: maxBytes) else { return nil }
        return guess(from: result)
    }

    private static func guess(from result: RawResult) -> LanguageGuess? {
        guard result.textBytes >= minimumTextBytes, let code = LanguageCodes.iso639_1(fromCLD2: result.cld2Code)
        else { return nil }
        let share = Double(min(max(result.percent, 0), 100)) / 100
        let lengthFactor = max(0, 1 - 2 / Double(max(result.textBytes, 1)))
        let confidence = share * lengthFactor * (result.reliable ? 1 : 0.5)
        return LanguageGuess(code: code, confidence: confidence, reliable: result.reliable)
    }

    /// CLD2's answer as it is (code, percent, letter bytes), for the command line and the evaluation.
    public struct RawResult: Sendable, Equatable {
        /// The language of the largest share of the text (what ``detect(_:)`` reports).
        public var cld2Code: String
        /// CLD2's summary language, which passes over English in a text mixed with another language (it
        /// was made for web pages with English menus); not used, shown for comparison.
        public var cld2SummaryCode: String
        public var percent: Int
        public var normalizedScore: Double
        public var textBytes: Int
        public var reliable: Bool
        /// Some bytes were not interchange-valid UTF-8 and were read as spaces.
        public var replacedBytes: Bool
    }

    /// CLD2's answer without the mapping or the minimum length; nil for empty text.
    public static func detectRaw(_ text: String, maxBytes: Int = defaultMaxBytes) -> RawResult? {
        guard !text.isEmpty, maxBytes > 0 else { return nil }
        var result = cld2_shim_result()
        var copy = text
        copy.withUTF8 { bytes in
            bytes.withMemoryRebound(to: CChar.self) { chars in
                // The shim cuts back to a character boundary.
                cld2_shim_detect(chars.baseAddress, chars.count, maxBytes, 1, &result)
            }
        }
        let code = withUnsafeBytes(of: result.code) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
        let summary = withUnsafeBytes(of: result.summary_code) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
        return RawResult(
            cld2Code: code, cld2SummaryCode: summary, percent: Int(result.percent), normalizedScore: result.normalized_score,
            textBytes: Int(result.text_bytes), reliable: result.reliable != 0, replacedBytes: result.invalid_utf8 != 0)
    }

    /// CLD2's version string ("code_version - data_build_date").
    public static var cld2Version: String { String(cString: cld2_shim_version()) }
}
