import NetwardenCore
import NetwardenDelivery
import NetwardenPlatform
import Synchronization

/// Batches a server rejected for good, kept for a technician in
/// `dead-letter/OUTPUT.ndjson` under the state directory: a header line with the time, status
/// and the server's message, then the batch as collector NDJSON (readable whatever the output's
/// protocol). Rotated at 16 MiB keeping two old files, so a misconfigured output cannot fill
/// the disk.
final class DeadLetterFile: DeadLetterSink {
    private let directory: String
    private let files = Mutex<[String: LineLogFile]>([:])
    private let now: @Sendable () -> Int64

    init(directory: String, now: @escaping @Sendable () -> Int64) {
        self.directory = directory
        self.now = now
    }

    func store(output: String, status: Int, message: String, recordIDs: [String], body: [UInt8]) {
        var header = JSONWriter()
        header.beginObject()
        header.field("ts", Int(now()))
        header.field("output", output)
        header.field("status", status)
        header.field("message", String(message.prefix(1000)))
        header.field("records", recordIDs.count)
        header.endObject()
        var bytes = header.bytes
        bytes.append(0x0A)
        bytes += body
        if bytes.last != 0x0A { bytes.append(0x0A) }
        files.withLock { files in
            let file =
                files[output]
                ?? LineLogFile(path: directory + "/" + output + ".ndjson", maxFileBytes: 16 << 20, keepFiles: 2)
            files[output] = file
            // Best effort: the batch is already counted; a failed write here is not worth more.
            try? FileSystem.makeDirectories(directory, permissions: 0o750)
            try? file.append(lines: bytes)
        }
    }
}
