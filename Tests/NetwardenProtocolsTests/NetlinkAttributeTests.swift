// swift-format-ignore-file: OnlyOneTrailingClosureArgument

import NetwardenProtocols
import NetwardenTestSupport
import Testing

@Suite struct NetlinkAttributeTests {
    private func withAttributes<R>(
        _ build: (inout NetlinkMessageBuilder) -> Void,
        _ body: (UnsafeRawBufferPointer) throws -> R
    )
        rethrows -> R
    {
        var builder = NetlinkMessageBuilder()
        build(&builder)
        return try builder.bytes.withUnsafeBytes(body)
    }

    @Test func iteratesTypedValuesWithPaddingAndMasksTheNestedFlag() throws {
        try withAttributes({ b in
            b.string(4, "ab")  // 7 bytes + 1 pad
            b.u8(9, 0xfe)
            b.s8(7, -60)
            b.u16(10, 0xbeef)
            b.u64(23, 0x0102_0304_0506_0708)
            b.nested(21, flagged: true) { inner in inner.u32(1, 42) }
        }) { raw in
            var reader = try NetlinkAttributeReader(raw)
            let attributes = try reader.collect()
            #expect(attributes.map(\.type) == [4, 9, 7, 10, 23, 21])
            #expect(attributes[0].string == "ab" && attributes[0].offset == 0)
            #expect(attributes[1].uint8 == 0xfe && attributes[1].offset == 8)
            #expect(attributes[2].int8 == -60)
            #expect(attributes[3].uint16 == 0xbeef && attributes[3].uint32 == nil)
            #expect(attributes[4].uint64 == 0x0102_0304_0506_0708)
            #expect(attributes[5].isNestedFlagSet)
            var inner = try reader.nested(in: attributes[5])
            #expect(inner.depth == 1)
            #expect(inner.next()?.uint32 == 42)
            #expect(inner.next() == nil && inner.error == nil)
        }
    }

    @Test func aZeroLengthAttributeStopsTheWalk() throws {
        try withAttributes({ b in
            b.u32(3, 1)
            b.rawAttribute(length: 0, type: 4, payload: [0, 0, 0, 0])
            b.u32(5, 2)
        }) { raw in
            var reader = try NetlinkAttributeReader(raw)
            #expect(reader.next()?.type == 3)
            #expect(reader.next() == nil)
            #expect(reader.error?.code == .badLength && reader.error?.offset == 8)
            #expect(reader.next() == nil)  // stays stopped
        }
    }

    @Test func anAttributeLongerThanItsBufferIsReported() throws {
        try withAttributes({ b in b.rawAttribute(length: 200, type: 52, payload: Array("School".utf8)) }) { raw in
            var reader = try NetlinkAttributeReader(raw)
            #expect(throws: NetlinkError(.badLength, "attribute length 200 runs past the 10 bytes left", offset: 0)) {
                try reader.collect()
            }
        }
    }

    @Test func aNestLongerThanItsParentIsCaughtInsideTheNest() throws {
        try withAttributes({ b in
            b.nested(21) { inner in inner.rawAttribute(length: 64, type: 7, payload: [0xc4, 0, 0, 0]) }
        }) { raw in
            var outer = try NetlinkAttributeReader(raw)
            let nest = try unwrap(outer.next())
            var inner = try outer.nested(in: nest)
            #expect(inner.next() == nil)
            #expect(inner.error?.code == .badLength && inner.error?.offset == 4)
        }
    }

    @Test func strayTrailingBytesAreTruncation() throws {
        try withAttributes({ b in
            b.u32(3, 1)
            b.raw([0x01, 0x02])
        }) { raw in
            var reader = try NetlinkAttributeReader(raw)
            #expect(reader.next()?.uint32 == 1)
            #expect(reader.next() == nil)
            #expect(reader.error?.code == .truncated)
        }
    }

    @Test func nestingBeyondTheLimitIsRefused() throws {
        func nest(_ b: inout NetlinkMessageBuilder, levels: Int) {
            if levels == 0 { b.u32(1, 1) } else { b.nested(1, flagged: true) { nest(&$0, levels: levels - 1) } }
        }
        try withAttributes({ nest(&$0, levels: 40) }) { raw in
            var reader = try NetlinkAttributeReader(raw)
            #expect(throws: NetlinkError.self) { try reader.validateTree() }
            var bounded = try NetlinkAttributeReader(raw, maximumDepth: 64)
            try bounded.validateTree()
        }
        try withAttributes({ nest(&$0, levels: 3) }) { raw in
            var shallow = try NetlinkAttributeReader(raw, maximumDepth: 2)
            do {
                try shallow.validateTree()
                Issue.record("expected nestingTooDeep")
            } catch let error as NetlinkError {
                #expect(error.code == .nestingTooDeep)
            }
        }
    }

    @Test func typedAccessorsRejectTheWrongSize() throws {
        try withAttributes({ b in b.attribute(3, [1, 2, 3]) }) { raw in
            var reader = try NetlinkAttributeReader(raw)
            let attribute = try unwrap(reader.next())
            #expect(
                attribute.uint8 == nil && attribute.uint16 == nil && attribute.uint32 == nil && attribute.uint64 == nil
            )
            #expect(attribute.bytes == [1, 2, 3])
        }
    }
}
