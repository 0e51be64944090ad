import NetwardenCompliance
import NetwardenWire

/// The evidence export: one CSV row per compliance record (RFC 4180), the chain verdict first so
/// a flagged row stands out when the file is opened in a spreadsheet.
///
/// Values are written exactly as sealed (no `'` prefix against spreadsheet formulas): an
/// inspector's tool must be able to recompute each hash from the row, so the export cannot alter
/// a single character. Every value is quoted instead, so none is read as a number or a date.
public enum EvidenceCSV {
    public static var header: [String] {
        ["chain", "trust", "gateway"] + ComplianceChain.fieldNames + ["prev", "hash", "event_id", "chain_detail"]
    }

    public static func render(_ records: [ComplianceEvidenceRecord]) -> String {
        var text = line(header)
        for record in records {
            text += line(
                [record.check.word, record.identity.trust, record.identity.gateway] + record.fields
                    + [record.previous ?? "", record.hash ?? "", record.eventID, record.check.explanation]
            )
        }
        return text
    }

    static func line(_ cells: [String]) -> String {
        cells.map(quote).joined(separator: ",") + "\r\n"
    }

    static func quote(_ cell: String) -> String {
        var out = "\""
        for character in cell {
            if character == "\"" { out += "\"" }
            out.append(character)
        }
        return out + "\""
    }
}
