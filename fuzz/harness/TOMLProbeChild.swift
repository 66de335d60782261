import IngestCore

/// The config fuzzer's probe child (see TOMLProbe): parses its stdin's TOML and exits; toml++ aborting
/// on an input kills only this process, which the fuzzer then reports as a problem, not a crash.
@main
struct TOMLProbeChild {
    static func main() {
        TOMLProbe.serveIfAsked()
        print("toml-probe: run by the config fuzzer with \(TOMLProbe.environmentKey)=1 and TOML on stdin")
    }
}
