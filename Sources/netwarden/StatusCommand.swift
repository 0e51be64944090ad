import ArgumentParser
import FoundationEssentials
import Glibc
import NetwardenCore
import NetwardenDaemon
import NetwardenPlatform

/// `netwarden status`: the running daemon's view in one screen, read over its status socket.
struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show the running daemon's probes, open alerts, capture and delivery.",
        discussion: """
            Reads the daemon's status socket ([daemon] status_socket, by default \
            /run/netwarden/status.sock; root and the service's group may read it). Exit status 0, \
            or 2 when the daemon cannot be reached.
            """
    )

    @OptionGroup var configPath: ConfigPathOption

    @Option(help: ArgumentHelp("Status socket to read (default: from the configuration).", valueName: "path"))
    var socket: String?

    @Flag(help: "Print the daemon's status as one JSON object.")
    var json = false

    func run() throws {
        let path: String
        if let socket {
            path = socket
        } else {
            let source = SettingsSource(explicitPath: configPath.config, defaultPath: ConfigPathOption.defaultPath)
            switch SettingsResolver.load(source: source, overrides: SettingsOverrides()) {
            case .success(let settings): path = settings.statusSocket
            case .failure(let failure):
                var standardError = StandardError()
                for line in failure.lines { print(line, to: &standardError) }
                throw ExitCode(2)
            }
        }
        let bytes: [UInt8]
        do {
            bytes = try StatusSocketClient.fetch(path: path)
        } catch {
            var standardError = StandardError()
            let hint =
                error.errno == EACCES
                ? "permission denied: run as root or as a member of the service's group"
                : "is netwarden running? (systemctl status netwarden)"
            print("cannot read \(path): \(error); \(hint)", to: &standardError)
            throw ExitCode(2)
        }
        if json {
            print(String(decoding: bytes, as: UTF8.self))
            return
        }
        guard let report = try? JSONDecoder().decode(StatusReportView.self, from: Data(bytes)) else {
            var standardError = StandardError()
            print("the daemon's answer on \(path) is not a status report", to: &standardError)
            throw ExitCode(2)
        }
        print(StatusScreen.render(report, systemd: SystemdUnitLine.read(unit: "netwarden")))
    }
}
