import Foundation
import IngestCore
import XCTest

final class DateParsingTests: XCTestCase {
    /// 2006-01-02T15:04:05Z
    private let reference = Date(timeIntervalSince1970: 1_136_214_245)

    func testRFC822Malformations() {
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
        ]
        for text in same { XCTAssertEqual(DateParsing.parse(text), reference, text) }
        XCTAssertEqual(DateParsing.parse("Mon, 02 Jan 2006 15:04 GMT"), reference.addingTimeInterval(-5), "no seconds")
    }

    func testISO8601Variants() {
        XCTAssertEqual(DateParsing.parse("2006-01-02T15:04:05Z"), reference)
        XCTAssertEqual(DateParsing.parse("2006-01-02T17:04:05+02:00"), reference)
        XCTAssertEqual(DateParsing.parse("2006-01-02 15:04:05"), reference)
    }

    func testUnparseableIsNil() {
        for text in ["", "yesterday", "2006-13-45", "Foo, 99 Bar 2006"] { XCTAssertNil(DateParsing.parse(text), text) }
    }
}
