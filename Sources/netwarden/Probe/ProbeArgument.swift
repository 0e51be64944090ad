import ArgumentParser
import NetwardenCore

/// How the probe commands echo an argument back in a usage error: escaped and cut like config
/// values (``DisplayText``), numbers without a trailing `.0`.
enum ProbeArgument {
    static func shown(_ text: String) -> String { DisplayText.escaped(text) }

    static func escaped(_ text: String) -> String { DisplayText.escaped(text, limit: 200) }

    static func shown(_ number: Double) -> String {
        number.isFinite && number == number.rounded() && abs(number) < 1e15
            ? String(Int64(number)) : DisplayText.escaped("\(number)")
    }
}

/// Range checks for probe arguments, with the limits the config uses and the value echoed
/// safely.
enum ProbeArgumentCheck {
    static func host(_ host: String) throws {
        if let problem = ProbeLimits.hostProblem(host) {
            throw ValidationError(host.isEmpty ? "the host is empty; \(problem)" : ProbeArgument.escaped(problem))
        }
    }

    static func int(_ value: Int, _ option: String, _ range: ClosedRange<Int>) throws {
        guard range.contains(value) else {
            throw ValidationError("\(option) \(value) is out of range; expected \(ProbeLimits.describe(range))")
        }
    }

    static func seconds(_ value: Double, _ option: String, _ range: ClosedRange<Double>) throws {
        guard range.contains(value) else {
            throw ValidationError(
                "\(option) \(ProbeArgument.shown(value)) is out of range; expected \(ProbeLimits.describe(range)) seconds"
            )
        }
    }
}
