extension DocumentTerms {
    /// ``displayForm(of:)`` for a candidate whose occurrences read are all ASCII: the same choice, made on
    /// the bytes (one String at the end instead of one per occurrence and a dictionary of them). ASCII
    /// Strings compare and hash as their bytes do, so the winner is the same; nil when a word is not
    /// ASCII (Swift compares those by canonical equivalence, which only the String path does).
    /// `occurrences`: the token index of each occurrence's first word.
    func asciiDisplayForm(
        of candidate: Candidate, occurrences: UnsafeBufferPointer<Int>
    ) -> (form: String, single: Bool, allInitial: Bool)? {
        let list = tokens.tokens
        let length = Int(candidate.length)
        for first in occurrences {
            for i in first..<(first + length) where !list[i].isASCII { return nil }
        }
        guard !occurrences.isEmpty else { return nil }
        return tokens.bytes.withUnsafeBufferPointer { bytes in
            /// Word `k` of the occurrence starting at token `first`, as written.
            func word(_ first: Int, _ k: Int) -> UnsafeBufferPointer<UInt8> {
                let token = list[first + k]
                return UnsafeBufferPointer(rebasing: bytes[Int(token.start)..<Int(token.end)])
            }
            func sameForm(_ a: Int, _ b: Int) -> Bool {
                (0..<length).allSatisfy { word(a, $0).elementsEqual(word(b, $0)) }
            }
            /// Whether occurrence `a` reads before `b` as their forms (words joined by single spaces) would,
            /// compared word by word: where one word is the start of the other, the form with the shorter
            /// one has a space or its end next, and both come before any byte of a word.
            func formPrecedes(_ a: Int, _ b: Int) -> Bool {
                for k in 0..<length {
                    let x = word(a, k)
                    let y = word(b, k)
                    if !x.elementsEqual(y) { return x.lexicographicallyPrecedes(y) }
                }
                return false
            }
            // Distinct forms, each by its first occurrence, and their weights, in first-seen order (on
            // the stack: at most one per occurrence).
            let (chosen, distinct, allInitial) = withUnsafeTemporaryAllocation(
                of: (first: Int, weight: Double).self, capacity: occurrences.count
            ) { forms -> (Int, Int, Bool) in
                var distinct = 0
                var allInitial = true
                for first in occurrences {
                    let initial = list[first].sentenceInitial
                    allInitial = allInitial && initial
                    let weight = initial ? 0.5 : 1
                    if let known = (0..<distinct).first(where: { sameForm(forms[$0].first, first) }) {
                        forms[known].weight += weight
                    } else {
                        forms[distinct] = (first, weight)
                        distinct += 1
                    }
                }
                // The heaviest form; on a tie the one that sorts first (as `String <` orders ASCII: by bytes).
                var best = 0
                for index in 1..<distinct {
                    if forms[index].weight > forms[best].weight
                        || (forms[index].weight == forms[best].weight && formPrecedes(forms[index].first, forms[best].first))
                    {
                        best = index
                    }
                }
                return (forms[best].first, distinct, allInitial)
            }
            let size = (0..<length).reduce(length - 1) { $0 + word(chosen, $1).count }
            let form = String(unsafeUninitializedCapacity: size) { out in
                var at = 0
                for k in 0..<length {
                    if k > 0 {
                        out[at] = 0x20
                        at += 1
                    }
                    for byte in word(chosen, k) {
                        out[at] = byte
                        at += 1
                    }
                }
                return at
            }
            return (form, distinct == 1, allInitial)
        }
    }
}
