import Foundation
import NetwardenCore
import NetwardenDaemon
import Testing

@Suite struct OutboxTests {
    static func sample(_ value: Double) -> MetricSample {
        MetricSample(name: "netwarden_test", labels: [("site", "s")], value: value, timestampMilliseconds: 1)
    }

    @Test func appendsJSONLinesAndRotatesKeepingTheNewest() throws {
        let directory = NSTemporaryDirectory() + "nw-outbox-\(UUID().uuidString)/outbox"
        defer { try? FileManager.default.removeItem(atPath: (directory as NSString).deletingLastPathComponent) }
        let outbox = Outbox(directory: directory, maxFileBytes: 300, keepFiles: 2)
        for value in 0..<20 { try outbox.append([Self.sample(Double(value))]) }
        outbox.close()
        let files = try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
        #expect(files == ["samples.jsonl", "samples.jsonl.1", "samples.jsonl.2"])
        let current = try String(contentsOfFile: directory + "/samples.jsonl", encoding: .utf8)
        #expect(current.hasSuffix(#""value":19}"# + "\n"))
        for file in files {
            let text = try String(contentsOfFile: directory + "/" + file, encoding: .utf8)
            #expect(text.utf8.count <= 300)
            #expect(text.split(separator: "\n").allSatisfy { $0.hasPrefix("{") && $0.hasSuffix("}") })
        }
    }

    @Test func anUnwritableDirectoryIsAnErrorNotACrash() throws {
        // A regular file where the directory should be: creating the outbox must fail cleanly.
        let blocker = NSTemporaryDirectory() + "nw-outbox-blocker-\(UUID().uuidString)"
        try "x".write(toFile: blocker, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: blocker) }
        let outbox = Outbox(directory: blocker + "/outbox")
        #expect(throws: OutboxError.self) { try outbox.append([Self.sample(1)]) }
        // And it recovers once the directory can exist.
        try FileManager.default.removeItem(atPath: blocker)
        try outbox.append([Self.sample(2)])
        #expect(FileManager.default.fileExists(atPath: blocker + "/outbox/samples.jsonl"))
        try? FileManager.default.removeItem(atPath: blocker)
    }
}
