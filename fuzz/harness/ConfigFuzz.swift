import Foundation
import IngestCore
import IngestDaemon

/// TOML text through the config loader: TOMLKit, every section's reader and the validation.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    // As ingestd and ingestctl do: TOML is parsed in a child process of this binary first (TOMLProbe), so
    // what toml++ asserts on becomes a reported problem here. The child is this fuzzer started again with
    // the probe variable set: its first input is its stdin's text, which it parses and exits on.
    TOMLProbe.serveIfAsked()
    TOMLProbe.enable()
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    _ = try? ConfigLoader.parse(text, file: "<fuzz>")
    return 0
}
