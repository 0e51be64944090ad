import NetwardenCore
import Testing

@Suite struct JSONWriterTests {
    @Test func nestedObjectsAndArraysGetCommasInTheRightPlaces() {
        var writer = JSONWriter()
        writer.beginObject()
        writer.field("a", 1)
        writer.key("b")
        writer.beginArray()
        writer.string("x")
        writer.number(2.5)
        writer.beginObject()
        writer.field("c", true)
        writer.endObject()
        writer.endArray()
        writer.key("d")
        writer.null()
        writer.endObject()
        #expect(writer.output == #"{"a":1,"b":["x",2.5,{"c":true}],"d":null}"#)
    }

    @Test func stringsAreEscapedAndNonFiniteNumbersAreNull() {
        var writer = JSONWriter()
        writer.beginArray()
        writer.string("q\"\\\n\u{1}é")
        writer.number(Double.nan)
        writer.number(Double.infinity)
        writer.number(-Double.infinity)
        writer.number(3.0)
        writer.endArray()
        #expect(writer.output == #"["q\"\\\n\u0001é",null,null,null,3]"#)
    }

    @Test func integersTimestampsAndEveryEscapeAreExact() {
        var writer = JSONWriter()
        writer.beginArray()
        writer.number(0)
        writer.number(-42)
        writer.number(Int.min)
        writer.number(Int.max)
        writer.timestamp(seconds: 1_700_000_000, nanoseconds: 123)
        writer.timestamp(seconds: 0, nanoseconds: 0)
        writer.timestamp(seconds: 5, nanoseconds: 999_999_999)
        writer.string("tab\tcr\r\u{1F}\u{7F}🦉")
        writer.string("")
        writer.endArray()
        // DEL and non-ASCII need no escape in JSON and pass through as UTF-8.
        let expected =
            #"[0,-42,-9223372036854775808,9223372036854775807,1700000000.000000123,0.000000000,5.999999999,"#
            + #""tab\tcr\r\u001f"# + "\u{7F}🦉" + #"",""]"#
        #expect(writer.output == expected)
        #expect(writer.bytes == Array(expected.utf8))
        #expect(JSONWriter.escaped(#"a"b"#) == #""a\"b""#)
    }

    @Test func timestampFractionsOutOfRangeCarryIntoTheSeconds() {
        func text(_ seconds: Int64, _ nanoseconds: Int32) -> String {
            var writer = JSONWriter()
            writer.timestamp(seconds: seconds, nanoseconds: nanoseconds)
            return writer.output
        }
        #expect(text(10, 1_500_000_000) == "11.500000000")
        #expect(text(20, 2_000_000_000) == "22.000000000")
        #expect(text(5, -250_000_000) == "4.750000000")
        #expect(text(0, -500_000_000) == "-0.500000000")
        #expect(text(-1, 500_000_000) == "-0.500000000")
        #expect(text(-2, 0) == "-2.000000000")
        #expect(text(-2, 999_999_999) == "-1.000000001")
    }
}
