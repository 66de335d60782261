import Foundation

/// Pages and feed fragments through the clean stage's own code (compiled from its sources): parsing,
/// main-content extraction as a page and as a fragment, link cleaning, the no-content check and the
/// text normaliser.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let html = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    guard let document = HTMLDocument.parse(html) else { return 0 }
    let links = LinkCleaner(base: "https://example.org/a/b.html", trackingParams: LinkCleaner.defaultTrackingParams)
    for extraction in [MainContent.page(document), MainContent.fragment(document)] {
        let text = extraction.text
        _ = extraction.html(links: links)
        _ = NoContentCheck.reason(
            text: text, title: extraction.tree.title, headings: [], hasPasswordField: false, thinWords: 80)
    }
    _ = TextNormalizer.normalize(html)
    return 0
}
