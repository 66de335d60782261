import Foundation

/// Bytes through decoding's byte-level readers (built from IngestCore's decoding sources, instrumented):
/// charset detection and UTF-8 tidying, the binary check, the HTML reader against the scalar reader it
/// replaced (Tests/IngestCoreTests/HTMLTextReference.swift: any difference traps), and SHA-256 fed in
/// pieces against the one-call hash.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    _ = TextDecoding.binaryReason(bytes)
    let decoded = try? TextDecoding.decode(bytes, declared: size % 3 == 0 ? "windows-1252" : nil)
    for html in [String(decoding: bytes, as: UTF8.self), decoded?.text].compactMap({ $0 }) {
        let new = HTMLText.extract(html)
        let old = HTMLTextReference.extract(html)
        if new.title != old.title || new.text != old.text {
            fatalError("HTMLText.extract differs from the reference reader")
        }
    }
    var hash = SHA256()
    let cut = size == 0 ? 0 : Int(bytes[0]) % (size + 1)
    hash.update(bytes[..<cut])
    hash.update(bytes[cut...])
    let pieces = hash.finalize().map { String($0, radix: 16) }.map { $0.count == 1 ? "0" + $0 : $0 }.joined()
    if pieces != SHA256.hex(bytes) { fatalError("SHA-256 in two pieces differs from the one-call hash") }
    return 0
}
