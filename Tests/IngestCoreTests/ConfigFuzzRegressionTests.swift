import Foundation
import IngestCore
import Testing

/// Config texts the config fuzz target (fuzz/harness/ConfigFuzz.swift) found to abort the process: toml++
/// (inside TOMLKit) asserts on a table header that does not start with a key, and on a date whose T is not
/// followed by a time. Each must be a problem with
/// its line, not a crash; the same characters elsewhere (values, strings, comments, arrays) stay valid.
@Suite("config texts found by fuzzing")
struct ConfigFuzzRegressionTests {
    @Test("a table header without a key, or a date's T without a time, is a problem, not an abort", arguments: [
        "[daemon]\nlog_level = \"info\"\n[# Bigger files are rejected (16 MiB).\n",
        "[#\n", "[=x]\n", "[.a]\n", "  [ ! ]\n", "[[#]]\n", "[[ {]]\n", "a = 1\n[\u{00e9}t\u{00e9}]\n",
        "b = [1, 2.5, \"x\", true, 1979-05-27T\u{00c1}7:32:00Z]\n", "d = 1979-05-27T\n", "d = 1979-05-27tx\n", "[\n[", "[\r\n",
    ])
    func headerWithoutKey(text: String) {
        #expect {
            try TOMLReader.parse(text, file: "x.toml")
        } throws: { error in
            "\(error)".contains("x.toml: line ") && "\(error)".contains("table header must start with a key")
        }
    }

    @Test("brackets inside values, strings and comments are not headers")
    func notHeaders() throws {
        let text = """
            # [# a comment]
            a = [
              [1, 2],
              {x = 1},
            ]
            b = \"\"\"
            [# inside a multi-line string
            \"\"\"
            c = '''
            [= literal
            '''
            d = "[#"
            t = 1979-05-27T07:32:00Z
            u = 1979-05-27
            [ "quoted key" ]
            [[ list ]]
            e = 1
            """
        let values = try TOMLReader.parse(text, file: "x.toml")
        #expect(values["b"] == .string("[# inside a multi-line string\n"))
        #expect(values["d"] == .string("[#"))
        #expect(values["list"] != nil)
        #expect(values["t"] != nil && values["u"] != nil)
    }
}
