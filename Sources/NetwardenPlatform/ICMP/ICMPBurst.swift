import Glibc
import NetwardenCore
import NetwardenProtocols

/// One burst of echo requests to one address, SmokePing style: `count` requests `spacing` apart,
/// then wait up to `timeout` for stragglers.
///
/// Runs synchronously on the calling thread (it sleeps in poll); the scheduler gives each burst
/// a thread of its own so one dead target never delays another.
public struct ICMPBurst: Sendable {
    public var destination: SocketAddress
    public var count: Int
    public var spacing: Duration
    /// How long after its own send a reply still counts; later replies are "late" (lost).
    public var timeout: Duration
    public var interface: String?
    public var source: SocketAddress?
    public var payloadSize: Int
    public var preferDatagram: Bool
    /// Upper bound on the whole burst from its first send; requests not yet sent when it
    /// passes are not sent, replies not yet in are lost. Nil: no bound beyond `timeout`.
    public var limit: Duration?

    public init(
        destination: SocketAddress,
        count: Int = 5,
        spacing: Duration = .milliseconds(200),
        timeout: Duration = .seconds(2),
        interface: String? = nil,
        source: SocketAddress? = nil,
        payloadSize: Int = ICMPEcho.defaultPayloadSize,
        preferDatagram: Bool = true,
        limit: Duration? = nil
    ) {
        self.destination = destination
        self.count = count
        self.spacing = spacing
        self.timeout = timeout
        self.interface = interface
        self.source = source
        self.payloadSize = payloadSize
        self.preferDatagram = preferDatagram
        self.limit = limit
    }

    /// What a burst saw.
    public struct Result: Sendable {
        public var sent = 0
        public var received = 0
        public var duplicates = 0
        /// Replies that arrived after a reply to a later request.
        public var reordered = 0
        /// Replies that came after `timeout` (counted as lost).
        public var late = 0
        /// Round-trip times in seconds, in arrival order.
        public var rtts: [Double] = []
        /// TTL / hop limit of the last reply.
        public var replyTTL: UInt8?
        public var identifier: UInt16 = 0
        public var socketKind: ICMPSocket.Kind?
        /// Set when the burst could not run or no reply came at all.
        public var failure: ProbeFailureReason?
        public var failureDetail: String?

        public var lossRatio: Double { sent == 0 ? 1 : Double(sent - received) / Double(sent) }
        public var statistics: RTTStatistics? { RTTStatistics(rttsInArrivalOrder: rtts) }
    }

    public func run() -> Result {
        var result = Result()
        let family: ICMPEcho.Family = destination.family == .v4 ? .v4 : .v6
        let socket: ICMPSocket
        do {
            socket = try ICMPSocket(
                family: family,
                preferDatagram: preferDatagram,
                interface: interface,
                source: source
            )
        } catch {
            result.failure = Self.reason(for: error.errno)
            result.failureDetail = error.description
            return result
        }
        result.identifier = socket.identifier
        result.socketKind = socket.kind

        let spacingNanoseconds = Self.nanoseconds(spacing)
        let timeoutNanoseconds = Self.nanoseconds(timeout)
        var sendTimes = [Int64](repeating: -1, count: count)
        var answered = [Bool](repeating: false, count: count)
        var highestAnswered = -1
        var nextSend = MonotonicClock.nanoseconds()
        // The hard end of the burst (Int64.max without a limit); the reply deadline never
        // passes it.
        let end = limit.map { nextSend + Self.nanoseconds($0) } ?? Int64.max
        var deadline = end

        while true {
            var now = MonotonicClock.nanoseconds()
            if now >= end { break }
            if result.sent < count && now >= nextSend {
                do {
                    sendTimes[result.sent] = try socket.send(
                        sequence: UInt16(truncatingIfNeeded: result.sent),
                        to: destination,
                        payloadSize: payloadSize
                    )
                } catch {
                    // A send error (ENETUNREACH, EHOSTUNREACH, EPERM from a firewall) is final for
                    // this burst: the next sends would fail the same way.
                    result.failure = Self.reason(for: error.errno)
                    result.failureDetail = error.description
                    result.sent += 1
                    return result
                }
                result.sent += 1
                nextSend += spacingNanoseconds
                if result.sent == count { deadline = min(end, sendTimes[count - 1] + timeoutNanoseconds) }
                now = MonotonicClock.nanoseconds()
            }
            if result.sent == count && (result.received == count || now >= deadline) { break }
            let wakeAt = result.sent < count ? min(nextSend, end) : deadline
            if wakeAt > now, socket.waitReadable(timeoutNanoseconds: wakeAt - now) == false { continue }
            while let received = socket.receive() {
                guard let reply = received else { continue }
                let index = Int(reply.sequence)
                guard index < result.sent, sendTimes[index] >= 0 else { continue }
                if answered[index] {
                    result.duplicates += 1
                    continue
                }
                let rtt = reply.receivedAtNanoseconds - sendTimes[index]
                answered[index] = true
                if rtt > timeoutNanoseconds {
                    result.late += 1
                    continue
                }
                if index < highestAnswered { result.reordered += 1 }
                highestAnswered = max(highestAnswered, index)
                result.received += 1
                result.rtts.append(Double(max(rtt, 0)) / 1e9)
                result.replyTTL = reply.ttl
            }
        }
        if result.received == 0 { result.failure = .timeout }
        return result
    }

    static func reason(for errno: Int32) -> ProbeFailureReason {
        switch errno {
        case EPERM, EACCES: .permissionDenied
        case ENODEV: .noInterface
        case EADDRNOTAVAIL: .badSource
        case ENETUNREACH, EHOSTUNREACH, ENETDOWN, EHOSTDOWN: .unreachable
        case ECONNREFUSED: .refused
        default: .error
        }
    }

    static func nanoseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
