extension DocumentTerms {
    /// ``displayForm(of:)`` for a candidate whose occurrences read are all ASCII: the same choice, made on
    /// the bytes (one String at the end instead of one per occurrence and a dictionary of them). ASCII
    /// Strings compare and hash as their bytes do, so the winner is the same; nil when a word is not
    /// ASCII (Swift compares those by canonical equivalence, which only the String path does).
    /// `occurrences`: the token index of each occurrence's first word.
    func asciiDisplayForm(of candidate: Candidate, occurrences: [Int]) -> (form: String, single: Bool, allInitial: Bool)? {
        let list = tokens.tokens
        let length = Int(candidate.length)
        // Distinct forms as written (words joined by single spaces) and their weights, in first-seen order.
        var forms: [[UInt8]] = []
        var weights: [Double] = []
        var scratch: [UInt8] = []
        scratch.reserveCapacity(64)
        var allInitial = true
        var allASCII = true
        tokens.bytes.withUnsafeBufferPointer { bytes in
            for first in occurrences {
                scratch.removeAll(keepingCapacity: true)
                for i in first..<(first + length) {
                    let token = list[i]
                    guard token.isASCII else { allASCII = false; return }
                    if i > first { scratch.append(0x20) }
                    scratch.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[Int(token.start)..<Int(token.end)]))
                }
                let initial = list[first].sentenceInitial
                allInitial = allInitial && initial
                let weight = initial ? 0.5 : 1
                if let known = forms.firstIndex(of: scratch) {
                    weights[known] += weight
                } else {
                    forms.append(scratch)
                    weights.append(weight)
                }
            }
        }
        guard allASCII, !forms.isEmpty else { return nil }
        // The heaviest form; on a tie the one that sorts first (as `String <` orders ASCII: by bytes).
        var best = 0
        for index in forms.indices.dropFirst() {
            if weights[index] > weights[best]
                || (weights[index] == weights[best] && forms[index].lexicographicallyPrecedes(forms[best]))
            {
                best = index
            }
        }
        return (String(decoding: forms[best], as: UTF8.self), forms.count == 1, allInitial)
    }
}
