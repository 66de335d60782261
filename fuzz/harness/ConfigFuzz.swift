import Foundation
import IngestDaemon

/// TOML text through the config loader: TOMLKit, every section's reader and the validation.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    _ = try? ConfigLoader.parse(text, file: "<fuzz>")
    return 0
}
