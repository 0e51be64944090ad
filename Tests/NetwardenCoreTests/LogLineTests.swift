import NetwardenCore
import Testing

@Suite struct LogLineTests {
    @Test func identityAndComponentLeadAndMessageIsLast() {
        let line = LogLine.format(
            prefix: "<4>",
            severity: .warning,
            message: "interface went down",
            fields: [("role", "uplink"), ("interface", "eth0"), ("component", "link"), ("site", "oakfield")]
        )
        #expect(
            line
                == "<4>level=warning site=oakfield component=link interface=eth0 role=uplink msg=\"interface went down\""
        )
    }

    @Test func secretsAreRedactedByKeyName() {
        let line = LogLine.format(
            prefix: "",
            severity: .info,
            message: "sending",
            fields: [
                ("collector.token", "abc123"), ("api_key", "k"), ("Authorization", "Bearer x"), ("monkey", "fine"),
            ]
        )
        #expect(!line.contains("abc123"))
        #expect(!line.contains("Bearer"))
        #expect(line.contains("api_key=<redacted>"))
        #expect(line.contains("collector.token=<redacted>"))
        #expect(line.contains("monkey=fine"))
    }

    @Test func newlinesAndQuotesCannotBreakTheOneLinePromise() {
        let line = LogLine.format(
            prefix: "",
            severity: .error,
            message: "bad\nthing \"quoted\"",
            fields: [("path", "/tmp/a b\u{1}")]
        )
        #expect(!line.contains("\n"))
        #expect(line.hasSuffix(#"msg="bad\nthing \"quoted\"""#))
        #expect(line.contains(#"path="/tmp/a b\x01""#))
    }

    @Test func severitiesMapToSyslogPriorities() {
        #expect(LogSeverity.critical.syslogPriority == 2)
        #expect(LogSeverity.error.syslogPriority == 3)
        #expect(LogSeverity.warning.syslogPriority == 4)
        #expect(LogSeverity.notice.syslogPriority == 5)
        #expect(LogSeverity.info.syslogPriority == 6)
        #expect(LogSeverity.debug.syslogPriority == 7)
        #expect(LogSeverity.trace.syslogPriority == 7)
        #expect(LogSeverity.debug < LogSeverity.warning)
    }
}
