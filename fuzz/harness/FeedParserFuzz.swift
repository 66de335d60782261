import Foundation

/// RSS, Atom and JSON Feed documents through the feed parser, compiled from its own sources so that
/// libFuzzer sees its branches. Whatever it returns must be usable: every field is read (encoded).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let feed = try? FeedParser.parse(bytes, url: "https://example.org/feed.xml") else { return 0 }
    _ = try? JSONEncoder().encode(feed)
    return 0
}
