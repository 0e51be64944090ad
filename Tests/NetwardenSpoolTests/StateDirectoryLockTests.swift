import Glibc
import NetwardenSpool
import Testing

@Suite(.timeLimit(.minutes(1))) struct StateDirectoryLockTests {
    /// flock belongs to the open file description, so a second acquire in the same process
    /// contends exactly as a second daemon would.
    @Test func secondHolderIsRefusedWithThePidOfTheFirst() throws {
        try withTemporaryDirectory { directory in
            let lock = try StateDirectoryLock.acquire(directory: directory)
            #expect(String(decoding: fileBytes(lock.path), as: UTF8.self) == "\(getpid())\n")
            #expect {
                _ = try StateDirectoryLock.acquire(directory: directory)
            } throws: { error in
                let error = error as? SpoolError
                return error?.code == .locked
                    && error?.message == "another netwarden (pid \(getpid())) is using \(directory)"
            }
            lock.release()
            let again = try StateDirectoryLock.acquire(directory: directory)
            again.release()
        }
    }
}
