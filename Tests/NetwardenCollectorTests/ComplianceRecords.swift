import NetwardenCompliance

/// Filter-compliance records sealed with the daemon's own chain code and sent the way its
/// FilterTestService sends them: a `filter_compliance` event whose attributes are every sealed
/// field plus `prev` and `hash`.
enum ComplianceRecords {
    struct Record {
        var id: String
        var ts: Int64
        var fields: [(String, String)]
        var previous: String
        var hash: String
    }

    /// `count` records of one gateway's log, chained from the genesis; every third one failed.
    static func chain(count: Int, start: Int64, site: String = "oak-primary") -> [Record] {
        var previous = ComplianceChain.genesis
        return (0..<count).map { index in
            let status = index % 3 == 2 ? "fail" : "pass"
            let fields: [(String, String)] = ComplianceChain.fieldNames.map { name in
                switch name {
                case "time": (name, "2027-01-15T08:0\(index % 10):00Z")
                case "run": (name, "gw1-1800000000000")
                case "site": (name, site)
                case "vantage": (name, "staff-lan")
                case "check": (name, "gambling-\(index)")
                case "kind": (name, "canary")
                case "category": (name, "gambling")
                case "target": (name, "https://casino-\(index).example/")
                case "expect": (name, "blocked")
                case "status": (name, status)
                case "blocked_by": (name, status == "pass" ? "dns" : "")
                case "method": (name, "DNS -> TCP -> TLS -> HTTP with a control")
                default:
                    (
                        name,
                        status == "pass" ? "NXDOMAIN from 192.0.2.53 | \"quoted\", comma" : "HTTP 200 from 203.0.113.7"
                    )
                }
            }
            let sealed = ComplianceChain.seal(fields, previous: previous)
            defer { previous = sealed.hash }
            return Record(
                id: "c-\(index + 1)",
                ts: start + Int64(index) * 60_000,
                fields: fields,
                previous: previous,
                hash: sealed.hash
            )
        }
    }

    /// The event line of `record`; `sealed: false` leaves out `prev` and `hash`.
    static func event(_ record: Record, sealed: Bool = true, site: String = "oak-primary") -> String {
        var attributes = record.fields
        if sealed { attributes += [("prev", record.previous), ("hash", record.hash)] }
        let object = attributes.map { "\"\($0.0)\":\"\(escape($0.1))\"" }.joined(separator: ",")
        return
            #"{"type":"event","event":{"ts":\#(record.ts),"id":"\#(record.id)","trust":"oak-trust","site":"\#(site)","gateway":"gw1","kind":"filter_compliance","severity":"info","subject":"canary check","evidence":"see attributes","attributes":{\#(object)}}}"#
    }

    static func escape(_ text: String) -> String {
        var out = ""
        for character in text {
            if character == "\"" || character == "\\" { out += "\\" }
            out.append(character)
        }
        return out
    }

    /// A whole ingest body from oak-primary's gw1.
    static func batch(_ lines: [String], batch: Int = 1, site: String = "oak-primary") -> String {
        let who = #"{"trust":"oak-trust","site":"\#(site)","gateway":"gw1"}"#
        return ([#"{"type":"batch","version":1,"agent":\#(who),"batch":\#(batch),"records":\#(lines.count)}"#] + lines)
            .joined(separator: "\n") + "\n"
    }
}
