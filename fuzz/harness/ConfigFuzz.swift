import Foundation
import IngestCore
import IngestDaemon

/// The probe child: `toml-probe` in this fuzzer's folder.
private let probe: String = {
    let me = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
    return me.deletingLastPathComponent().appendingPathComponent("toml-probe").path
}()

/// TOML text through the config loader: TOMLKit, every section's reader and the validation.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    // As ingestd and ingestctl do: TOML is parsed in a child process first (TOMLProbe), so what toml++
    // asserts on becomes a reported problem here. The child is `toml-probe` beside this fuzzer
    // (fuzz/harness/TOMLProbeChild.swift, built without instrumentation: it starts in milliseconds).
    TOMLProbe.enable(executable: probe)
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    _ = try? ConfigLoader.parse(text, file: "<fuzz>")
    return 0
}
