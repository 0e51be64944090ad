import Foundation
import Logging
import NetwardenCore
import NetwardenDaemon
import NetwardenPlatform
import NetwardenTelemetry
import Testing

@Suite(.timeLimit(.minutes(1))) struct LocalOutboxSinkTests {
    static let identity = AgentIdentity(trust: "t", site: "s", gateway: "g")

    static func record(_ value: Double, at timestamp: Int64 = 1) -> TelemetryRecord {
        .samples(
            SampleGroup(
                timestampMilliseconds: timestamp,
                identity: identity,
                observations: [Observation(.linkUp, value)]
            )
        )
    }

    static func temporaryDirectory() -> String {
        NSTemporaryDirectory() + "nw-outbox-\(UUID().uuidString)"
    }

    static func lines(_ path: String) -> [String] {
        ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    @Test func samplesAndEventsGoToTheirFilesAsWholeJSONLines() throws {
        let directory = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let sink = LocalOutboxSink(directory: directory + "/outbox", logger: Logger(label: "test"))
        sink.write([
            Self.record(1),
            .event(
                TelemetryEvent(
                    id: "e-1",
                    timestampMilliseconds: 2,
                    identity: Self.identity,
                    kind: .alertFiring,
                    severity: .error,
                    subject: "eth0",
                    evidence: "uplink interface eth0 went down",
                    attributes: [Label("interface", "eth0")]
                )
            ),
        ])
        sink.close()
        #expect(
            Self.lines(directory + "/outbox/samples.jsonl") == [
                #"{"ts":1,"name":"netwarden_link_up","labels":{"trust":"t","site":"s","gateway":"g"},"value":1}"#
            ]
        )
        #expect(
            Self.lines(directory + "/outbox/events.jsonl") == [
                #"{"ts":2,"id":"e-1","trust":"t","site":"s","gateway":"g","kind":"alert_firing","severity":"error","subject":"eth0","evidence":"uplink interface eth0 went down","attributes":{"interface":"eth0"}}"#
            ]
        )
    }

    @Test func aFileRenamedOrDeletedByATechnicianIsReopened() throws {
        let directory = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let sink = LocalOutboxSink(directory: directory, logger: Logger(label: "test"))
        let path = directory + "/samples.jsonl"
        sink.write([Self.record(1)])
        try FileManager.default.moveItem(atPath: path, toPath: path + ".old")
        sink.write([Self.record(2)])
        #expect(Self.lines(path + ".old").count == 1)
        #expect(Self.lines(path).count == 1)
        try FileManager.default.removeItem(atPath: path)
        sink.write([Self.record(3)])
        #expect(Self.lines(path).first?.hasSuffix(#""value":3}"#) == true)
        sink.close()
    }

    @Test func anUnfinishedLastLineIsCutBackWhenTheFileIsOpened() throws {
        let directory = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let path = directory + "/samples.jsonl"
        try (#"{"ts":1,"name":"a","labels":{},"value":1}"# + "\n" + #"{"ts":2,"labels":{"site":"adv-si"#)
            .write(toFile: path, atomically: false, encoding: .utf8)
        let sink = LocalOutboxSink(directory: directory, logger: Logger(label: "test"))
        sink.write([Self.record(5)])
        sink.close()
        let lines = Self.lines(path)
        #expect(lines.count == 2)
        #expect(lines.allSatisfy { $0.hasPrefix("{") && $0.hasSuffix("}") })
    }

    @Test func filesRotateBySizeKeepingTheNewest() throws {
        let directory = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let file = LineLogFile(path: directory + "/x.jsonl", maxFileBytes: 100, keepFiles: 2)
        for value in 0..<20 { try file.append(lines: Array("{\"value\":\(value)}\n".utf8)) }
        file.close()
        let files = try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
        #expect(files == ["x.jsonl", "x.jsonl.1", "x.jsonl.2"])
        #expect(Self.lines(directory + "/x.jsonl").last == #"{"value":19}"#)
        for name in files { #expect(try Data(contentsOf: URL(fileURLWithPath: directory + "/" + name)).count <= 100) }
    }

    @Test func anUnwritableDirectoryIsCountedNotThrownAndRecovers() throws {
        let blocker = Self.temporaryDirectory()
        try "x".write(toFile: blocker, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: blocker) }
        let sink = LocalOutboxSink(directory: blocker + "/outbox", logger: Logger(label: "test"))
        sink.write([Self.record(1)])
        #expect(sink.errors == 1)
        try FileManager.default.removeItem(atPath: blocker)
        sink.write([Self.record(2)])
        #expect(sink.errors == 1)
        #expect(Self.lines(blocker + "/outbox/samples.jsonl").count == 1)
        sink.close()
    }

    @Test(.enabled(if: getuid() == 0, "needs root to mount a tmpfs"))
    func aFullDiskNeverLeavesATornLine() throws {
        let directory = Self.temporaryDirectory()
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        guard mount("tmpfs", directory, "tmpfs", 0, "size=64k") == 0 else {
            Issue.record("mount tmpfs failed: errno \(errno)")
            return
        }
        defer { umount2(directory, Int32(MNT_DETACH)) }
        let file = LineLogFile(path: directory + "/x.jsonl", maxFileBytes: 1 << 30)
        // Lines of 1000 bytes: the 64 KiB file system fills part-way through one of them.
        let line = Array(String(repeating: "a", count: 999).utf8) + [0x0A]
        var failures = 0
        for _ in 0..<100 {
            do { try file.append(lines: line + line + line) } catch { failures += 1 }
        }
        file.close()
        #expect(failures > 0)
        let contents = try Data(contentsOf: URL(fileURLWithPath: directory + "/x.jsonl"))
        #expect(contents.count % 1000 == 0)
        #expect(contents.last == 0x0A)
    }

    /// A disk hovering at full: something frees a block now and then and a line squeezes in.
    /// One error for the whole run, and the notice only once writes keep working.
    @Test(.enabled(if: getuid() == 0, "needs root to mount a tmpfs"))
    func aDiskHoveringAtFullLogsOnce() throws {
        let directory = Self.temporaryDirectory()
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        guard mount("tmpfs", directory, "tmpfs", 0, "size=64k") == 0 else {
            Issue.record("mount tmpfs failed: errno \(errno)")
            return
        }
        defer { umount2(directory, Int32(MNT_DETACH)) }
        let logs = LogRecorder()
        let context = LogContext(level: .debug, site: "s")
        let logger = Logger(label: "test") { NetwardenLogHandler(label: $0, context: context, output: .memory(logs)) }
        let sink = LocalOutboxSink(directory: directory + "/outbox", logger: logger)
        let filler = directory + "/filler"
        var fillerBytes = 60 << 10
        _ = FileManager.default.createFile(atPath: filler, contents: Data(count: fillerBytes))
        var time: Int64 = 0
        var written = 0
        func writeUntilFull() {
            for _ in 0..<2000 {
                let errors = sink.errors
                time += 1
                sink.write([Self.record(1, at: time)])
                if sink.errors > errors { return }
                written += 1
            }
        }
        writeUntilFull()
        for _ in 0..<5 {
            // Something else gives a page back.
            fillerBytes -= 4 << 10
            #expect(truncate(filler, off_t(fillerBytes)) == 0)
            writeUntilFull()
        }
        #expect(written > 0)
        #expect(logs.all.filter { $0.contains("level=error") }.count == 1, "\(logs.all)")
        #expect(!logs.all.contains { $0.contains("writable again") })

        unlink(filler)
        sink.write([Self.record(1, at: time + 1)])
        sink.write([Self.record(1, at: time + 9_999)])
        #expect(!logs.all.contains { $0.contains("writable again") })
        sink.write([Self.record(1, at: time + 10_001)])
        #expect(logs.all.filter { $0.contains("writable again") }.count == 1)
        sink.close()
    }
}
