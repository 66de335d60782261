import Foundation
@testable import IngestCore
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

/// DateParsing reads ASCII text as bytes for speed and everything else as Characters; both readings
/// must agree wherever both apply.
@Suite("date parsing, byte and Character readings")
struct DateParsingReadingsTests {
    @Test("an ASCII date reads the same as bytes and as Characters")
    func asciiMatchesCharacters() {
        let dates = [
            "Mon, 02 Jan 2006 15:04:05 GMT", " \tmon,02 jan 2006 15:04:05 gmt\n", "02 January 2006 15:04:05 +0000",
            "Mon, 02 Jan 2006 16:04:05 +01:00", "Mon, 02 Jan 06 15:04:05 Z", "lun, 02 jan 2006 16:04:05 +0100",
            "Mon, Jan 02 2006 03:04:05 PM", "Mon, 02 Jan 2006 15:04 GMT (extra junk)", "Mon,,02  Jan 2006",
            "Foo, 99 Bar 2006", "yesterday", "02 Jan", "Mon, 02 Jan 2006 25:04:05 GMT", "", " \t\n",
        ]
        for text in dates { #expect(DateParsing.parse(text) == DateParsing.parseCharacters(text), "\(text)") }
    }

    @Test("ISO 8601 from bytes: fractions, offsets, and what is refused")
    func iso8601FromBytes() {
        let reference = Date(timeIntervalSince1970: 1_136_214_245)
        #expect(DateParsing.parse("2006-01-02T15:04:05.250Z") == reference.addingTimeInterval(0.25))
        #expect(DateParsing.parse("2006-01-02t15:04:05,5z") == reference.addingTimeInterval(0.5))
        #expect(DateParsing.parse("2006-01-02T10:04:05-0500") == reference)
        #expect(DateParsing.parse("2006-01-02T17:04+02") == reference.addingTimeInterval(-5))
        #expect(DateParsing.parse("2006-01-02") == Date(timeIntervalSince1970: 1_136_160_000))
        for text in ["2006-01-02T15:04:05Z junk", "2006-1-02", "2006-01-02T15", "２００６-01-02"] {
            #expect(DateParsing.parse(text) == nil, "\(text)")
        }
    }

    @Test("non-ASCII text and CR take the Character reading")
    func nonASCII() {
        let reference = Date(timeIntervalSince1970: 1_136_214_245)
        #expect(DateParsing.parse("Пн, 02 янв 2006 15:04:05 GMT") == nil, "a Russian month is no month")
        #expect(DateParsing.parse("Пн, 02 Jan 2006 15:04:05 GMT") == reference, "a weekday in another script")
        #expect(DateParsing.parse("Mon, 02 Jan 2006 15:04:05 GMT\r\n") == reference, "a CR LF after the zone makes it unknown, read as UTC")
        #expect(DateParsing.parse("2006-01-02T15:04:05Z\r\n") == nil, "ISO 8601 with a CR LF is not trimmed")
    }
}
