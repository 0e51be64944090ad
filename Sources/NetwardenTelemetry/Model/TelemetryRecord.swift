/// What the hub hands every sink: a group of samples published together, or one event.
///
/// A sample group is one producer's complete publish at one instant (one probe run, one link
/// round), which is also the unit the spool stores and an uploader de-duplicates.
public enum TelemetryRecord: Sendable, Equatable {
    case samples(SampleGroup)
    case event(TelemetryEvent)
}

/// Samples one producer published at one instant under one identity.
public struct SampleGroup: Sendable, Equatable {
    public var timestampMilliseconds: Int64
    public var identity: AgentIdentity
    public var observations: [Observation]

    public init(timestampMilliseconds: Int64, identity: AgentIdentity, observations: [Observation]) {
        self.timestampMilliseconds = timestampMilliseconds
        self.identity = identity
        self.observations = observations
    }

    /// The group as fully labelled samples, identity first.
    public var samples: [Sample] {
        let identityLabels = identity.labels
        return observations.map {
            Sample(
                name: $0.family.name,
                labels: identityLabels + $0.labels,
                value: $0.value,
                timestampMilliseconds: timestampMilliseconds
            )
        }
    }
}
