import ArgumentParser
import NetwardenCapture
import NetwardenCore
import NetwardenHTTP

/// `netwarden version`: what a technician pastes into a bug report.
struct VersionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "version",
        abstract: "Print netwarden's version and the libpcap and libcurl it is using."
    )

    func run() {
        print("netwarden \(NetwardenVersion.string)")
        print(PcapLibrary.versionString)
        print(CurlLibrary.versionString)
    }
}
