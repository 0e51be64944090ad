import CLibFuzzer
#if canImport(Glibc)
import Glibc
#endif
import NetwardenProtocols

// The input is read twice: as one DNS message (UDP), and as a DNS-over-TCP stream that
// `DNSTCPFraming.next(in:)` splits into length-prefixed messages, each read the same way.
// Invariants beyond "no crash": every name reference the reader hands out (question and owner
// names, CNAME targets, SVCB targets) decodes without error, because `DNSNameReference.decode`
// swallows failures as "unreachable"; slices stay inside the message; a failure is sticky.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: data, count: size)
    readAll(bytes)

    var stream = bytes
    for _ in 0..<64 {
        switch DNSTCPFraming.next(in: stream) {
        case .message(let message, let consumed):
            require(consumed == message.count + 2 && consumed <= stream.count, "bad consumed")
            require(message.count >= 12, "short message accepted")
            require(message.baseAddress == stream.baseAddress.map { $0 + 2 }, "message not after prefix")
            readAll(message)
            stream = UnsafeRawBufferPointer(rebasing: stream[consumed...])
        case .needMoreData(let totalNeeded):
            require(totalNeeded > stream.count, "needMoreData with enough bytes")
            return 0
        case .invalid:
            return 0
        }
    }
    return 0
}

func readAll(_ message: UnsafeRawBufferPointer) {
    guard var reader = try? DNSMessageReader(message) else {
        require(message.count < 12, "header refused")
        return
    }
    var name = DomainName()
    var questions = 0
    do {
        while let question = try reader.nextQuestion() {
            questions += 1
            decodeChecked(question.name, into: &name)
        }
        require(questions == Int(reader.header.questionCount))
        var records = 0
        while let record = try reader.nextRecord() {
            records += 1
            decodeChecked(record.name, into: &name)
            inside(record.rawData, message)
            switch record.data {
            case .a(let address), .aaaa(let address):
                _ = address.description
            case .cname(let target):
                decodeChecked(target, into: &name)
            case .serviceBinding(let svcb):
                decodeChecked(svcb.target, into: &name)
                inside(svcb.parameters, message)
                if let alpn = svcb.alpn {
                    _ = alpn.contains("h3")
                    _ = alpn.identifiers
                }
                if let ech = svcb.ech { inside(ech, message) }
                _ = svcb.port
            case .other:
                break
            }
        }
        require(
            records
                == Int(reader.header.answerCount) + Int(reader.header.authorityCount)
                + Int(reader.header.additionalCount)
        )
    } catch {
        // A failure is sticky: nothing after a bad record can be located.
        do {
            _ = try reader.nextRecord()
            fatalError("reader continued after \(error)")
        } catch let again {
            require(again == error, "failure changed from \(error) to \(again)")
        }
    }
}

/// Decodes through the throwing API so an "unreachable" failure is caught, not swallowed.
func decodeChecked(_ reference: DNSNameReference, into name: inout DomainName) {
    do {
        _ = try DNSNameDecoder.decode(reference.message, at: reference.offset, into: &name)
    } catch {
        fatalError("validated name at \(reference.offset) failed to decode: \(error)")
    }
    _ = name.description
}

func inside(_ slice: UnsafeRawBufferPointer, _ whole: UnsafeRawBufferPointer) {
    guard !slice.isEmpty, let base = slice.baseAddress, let wholeBase = whole.baseAddress else { return }
    require(base >= wholeBase && base + slice.count <= wholeBase + whole.count, "slice outside message")
}

/// libFuzzer's driver; see Fuzz/Package.swift for why the harness owns `main`.
@main enum Harness {
    static func main() {
        var argc = CommandLine.argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        // libFuzzer never passes a null pointer, not even for the empty input.
        exit(LLVMFuzzerRunDriver(&argc, &argv) { data, size in fuzz(data!, size) })
    }
}

/// `precondition` that keeps its message in release builds, so a finding says what broke.
func require(_ condition: Bool, _ message: @autoclosure () -> String = "invariant violated",
             file: StaticString = #fileID, line: UInt = #line) {
    if !condition { fatalError(message(), file: file, line: line) }
}
