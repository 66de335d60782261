import Foundation
import IngestCore
import Testing

@Suite struct DateParsingTests {
    /// 2006-01-02T15:04:05Z
    private let reference = Date(timeIntervalSince1970: 1_136_214_245)

    @Test func rFC822Malformations() {
        let same = [
            "Mon, 02 Jan 2006 15:04:05 GMT",
            "Mon, 2 Jan 2006 15:04:05 UT",
            "mon, 02 jan 2006 15:04:05 gmt",
            "02 January 2006 15:04:05 +0000",
            "Mon, 02 Jan 2006 16:04:05 +01:00",
            "Mon, 02 Jan 2006 10:04:05 EST",
            "Mon, 02 Jan 06 15:04:05 Z",
            "Mon, 02 Jan 2006 15:04:05 GMT (extra junk)",
            "lun, 02 jan 2006 16:04:05 +0100",
            "Mon, Jan 02 2006 03:04:05 PM",
            "Mon, Jan 02 2006 03:04:05 pm GMT",
        ]
        for text in same { #expect(DateParsing.parse(text) == reference, "\(text)") }
        #expect(DateParsing.parse("Mon, 02 Jan 2006 15:04 GMT") == reference.addingTimeInterval(-5), "no seconds")
        #expect(DateParsing.parse("Mon, 02 Jan 2006 12:04:05 AM") == reference.addingTimeInterval(-15 * 3600), "12 AM is midnight")
        #expect(DateParsing.parse("Mon, 02 Jan 2006 13:04:05 PM") == nil, "13 PM is no time")
    }

    @Test func iso8601Variants() {
        #expect(DateParsing.parse("2006-01-02T15:04:05Z") == reference)
        #expect(DateParsing.parse("2006-01-02T17:04:05+02:00") == reference)
        #expect(DateParsing.parse("2006-01-02 15:04:05") == reference)
    }

    @Test func unparseableIsNil() {
        for text in ["", "yesterday", "2006-13-45", "Foo, 99 Bar 2006"] { #expect(DateParsing.parse(text) == nil, "\(text)") }
    }
}
