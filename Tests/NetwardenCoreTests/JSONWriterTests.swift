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

    @Test func stringsAreEscapedAndSpecialNumbersAreStrings() {
        var writer = JSONWriter()
        writer.beginArray()
        writer.string("q\"\\\n\u{1}é")
        writer.number(Double.nan)
        writer.number(Double.infinity)
        writer.number(3.0)
        writer.endArray()
        #expect(writer.output == #"["q\"\\\n\u0001é","NaN","+Inf",3]"#)
    }

    @Test func metricSamplesAreOneJSONLine() {
        let sample = MetricSample(
            name: "netwarden_link_up",
            labels: [("site", "oak"), ("interface", "eth0")],
            value: 1,
            timestampMilliseconds: 1_700_000_000_000
        )
        #expect(
            sample.jsonLine
                == #"{"ts":1700000000000,"name":"netwarden_link_up","labels":{"site":"oak","interface":"eth0"},"value":1}"#
        )
    }
}
