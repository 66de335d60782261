"""Made-up words for test and benchmark stories: each story number gets its own sequence, shared in no run of
three words with another story's, so dedupe keeps them apart (the feed server of the tests, bench_shared.py).
The Swift test `SharedStoreTests.folderStory` follows the same recipe for its own story numbers."""

SYLLABLES = ["ka", "to", "ri", "mu", "sen", "dor", "ve", "lin", "pa", "sho", "ne", "gu", "bar", "tel", "mi", "os"]


def mix(x):
    """splitmix64: every (story, word) pair gets its own well-spread 64 bits."""
    x = (x + 0x9E3779B97F4A7C15) & 0xFFFFFFFFFFFFFFFF
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & 0xFFFFFFFFFFFFFFFF
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & 0xFFFFFFFFFFFFFFFF
    return x ^ (x >> 31)


def words(n, count):
    """`count` words of two or three syllables for story `n`, joined by spaces."""
    out = []
    for i in range(count):
        h = mix(n * 1000003 + i)
        out.append("".join(SYLLABLES[(h >> (8 + 4 * j)) & 15] for j in range(2 + h % 2)))
    return " ".join(out)
