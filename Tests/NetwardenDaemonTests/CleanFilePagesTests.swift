import Glibc
import NetwardenPlatform
import NetwardenTestSupport
import Testing

@Suite struct CleanFilePagesTests {
    /// Each kind of mapping a real smaps holds; only exact copies of files may be dropped.
    static let smaps = """
        55d0c0000000-55d0c0800000 r-xp 00000000 fe:01 123 /usr/bin/netwarden
        Size:               8192 kB
        Rss:                6128 kB
        Private_Dirty:         0 kB
        Anonymous:             0 kB
        Swap:                  0 kB
        VmFlags: rd ex mr mw me sd
        55d0c0800000-55d0c0900000 r--p 00800000 fe:01 123 /usr/bin/netwarden
        Rss:                 416 kB
        Private_Dirty:       416 kB
        Anonymous:           416 kB
        VmFlags: rd mr mw me ac sd
        55d0c0900000-55d0c0910000 rw-p 00900000 fe:01 123 /usr/bin/netwarden
        Rss:                  64 kB
        Anonymous:            12 kB
        VmFlags: rd wr mr mw me ac sd
        55d0c1000000-55d0c1100000 rw-p 00000000 00:00 0                          [heap]
        Rss:                 172 kB
        Anonymous:           172 kB
        7f0000000000-7f0000100000 rw-p 00000000 00:00 0
        Rss:                2048 kB
        Anonymous:          2048 kB
        7f0000100000-7f0000200000 r-xp 00000000 fe:01 456 /opt/swift/lib/libswiftCore.so
        Rss:                3484 kB
        Anonymous:             0 kB
        Swap:                  0 kB
        VmFlags: rd ex mr mw me sd
        7f0000200000-7f0000210000 r--p 00100000 fe:01 456 /opt/swift/lib/libswiftCore.so
        Rss:                  12 kB
        Anonymous:             0 kB
        Swap:                  8 kB
        7f0000300000-7f0000310000 r-xp 00000000 fe:01 789 /usr/lib/old.so (deleted)
        Rss:                  64 kB
        Anonymous:             0 kB
        7f0000400000-7f0000410000 rw-s 00000000 fe:01 790 /var/lib/netwarden/shared.map
        Rss:                  64 kB
        Shared_Dirty:          4 kB
        Anonymous:             0 kB
        7f0000410000-7f0000420000 r--p 00000000 fe:01 794 /var/lib/netwarden/just-written.bin
        Rss:                   8 kB
        Private_Dirty:         8 kB
        Anonymous:             0 kB
        7f0000500000-7f0000510000 r--p 00000000 fe:01 791 /usr/lib/locked.so
        Rss:                  64 kB
        Anonymous:             0 kB
        VmFlags: rd mr mw me lo
        7f0000600000-7f0000610000 r--p 00000000 fe:01 792 /usr/lib/cold.so
        Rss:                   0 kB
        Anonymous:             0 kB
        7f0000700000-7f0000710000 r--p 00000000 fe:01 793 /usr/share/with space/data.bin
        Rss:                  20 kB
        Anonymous:             0 kB
        VmFlags: rd mr mw me
        7ffd00000000-7ffd00002000 r-xp 00000000 00:00 0                          [vdso]
        Rss:                   8 kB
        Anonymous:             0 kB
        """

    @Test func onlyCleanReadOnlyFileMappingsWithResidentPagesQualify() {
        #expect(
            CleanFilePages.releasable(smaps: Self.smaps) == [
                .init(start: 0x55d0_c000_0000, end: 0x55d0_c080_0000, path: "/usr/bin/netwarden", residentKiB: 6128),
                .init(
                    start: 0x7f00_0010_0000,
                    end: 0x7f00_0020_0000,
                    path: "/opt/swift/lib/libswiftCore.so",
                    residentKiB: 3484
                ),
                .init(
                    start: 0x7f00_0041_0000,
                    end: 0x7f00_0042_0000,
                    path: "/var/lib/netwarden/just-written.bin",
                    residentKiB: 8
                ),
                .init(
                    start: 0x7f00_0070_0000,
                    end: 0x7f00_0071_0000,
                    path: "/usr/share/with space/data.bin",
                    residentKiB: 20
                ),
            ]
        )
    }

    @Test func garbageQualifiesNothing() {
        #expect(CleanFilePages.releasable(smaps: "").isEmpty)
        #expect(CleanFilePages.releasable(smaps: "not smaps\nat: all\n7f-7e r-xp\n").isEmpty)
        // A header whose fields cannot be read ends the mapping before it without qualifying it.
        #expect(CleanFilePages.releasable(smaps: "10-20 r-xp 0 fe:01 1 /lib/a.so\nRss 4 kB\n").isEmpty)
    }

    /// On this process's own memory: a read-only mapping's pages go and come back with the same
    /// bytes; a private mapping with a written page keeps it.
    @Test func releaseDropsCleanPagesAndKeepsWrittenOnes() throws {
        let directory = try TemporaryDirectory(prefix: "nw-clean-pages")
        let path = directory.path + "/file.bin"
        let size = 256 * 1024
        let pattern = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 12) }
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        try #require(descriptor >= 0)
        defer { close(descriptor) }
        let written = pattern.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        try #require(written == size)

        let readOnly = try #require(mapping(descriptor, size, PROT_READ))
        defer { munmap(readOnly, size) }
        let copyOnWrite = try #require(mapping(descriptor, size, PROT_READ | PROT_WRITE))
        defer { munmap(copyOnWrite, size) }
        var sum = 0
        for offset in stride(from: 0, to: size, by: 4096) {
            sum &+= Int(readOnly.load(fromByteOffset: offset, as: UInt8.self))
        }
        copyOnWrite.storeBytes(of: 0xEE, toByteOffset: 8192, as: UInt8.self)
        #expect(residentKiB(at: readOnly) == size / 1024, "checksum \(sum)")

        let report = CleanFilePages.release()
        #expect(report.mappings > 0)
        #expect(report.failures == 0)
        #expect(residentKiB(at: readOnly) == 0)
        // The written page survived; the file under it did not change.
        #expect(copyOnWrite.load(fromByteOffset: 8192, as: UInt8.self) == 0xEE)
        #expect(Array(UnsafeRawBufferPointer(start: readOnly, count: size)) == pattern)
        #expect(residentKiB(at: readOnly) == size / 1024)
    }

    private func mapping(_ descriptor: Int32, _ size: Int, _ protection: Int32) -> UnsafeMutableRawPointer? {
        let address = mmap(nil, size, protection, MAP_PRIVATE, descriptor, 0)
        return address == MAP_FAILED ? nil : address
    }

    /// The Rss of the mapping starting at `address`, from this process's smaps.
    private func residentKiB(at address: UnsafeMutableRawPointer) -> Int? {
        let start = String(UInt(bitPattern: address), radix: 16) + "-"
        guard let file = fopen("/proc/self/smaps", "r") else { return nil }
        defer { fclose(file) }
        var inMapping = false
        var line = [CChar](repeating: 0, count: 4096)
        while fgets(&line, Int32(line.count), file) != nil {
            let text = String(decoding: line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            if text.hasPrefix(start) {
                inMapping = true
            } else if inMapping, text.hasPrefix("Rss:") {
                return Int(text.dropFirst(4).split(separator: " ").first ?? "")
            }
        }
        return nil
    }
}
