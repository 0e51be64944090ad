import Foundation

/// Command lines as a person would paste them into a shell, for error messages.
enum CommandLineText {
    static func quote(_ argv: [String]) -> String {
        argv.map { argument in
            let safe = argument.allSatisfy { $0.isLetter || $0.isNumber || "-_./:=@,+%".contains($0) }
            if safe && !argument.isEmpty { return argument }
            return "'" + argument.replacingOccurrences(of: "'", with: "'\\''") + "'"
        }.joined(separator: " ")
    }
}
