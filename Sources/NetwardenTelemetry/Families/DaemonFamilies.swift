// The daemon's own health: build, reloads, telemetry volume, spool and outputs.
extension MetricFamily {
    public static let buildInfo = MetricFamily(
        "netwarden_build_info",
        .info,
        help: "The running netwarden's version."
    )
    public static let startTime = MetricFamily(
        "netwarden_start_time_seconds",
        .gauge,
        unit: "seconds",
        help: "Unix time the daemon started."
    )
    public static let configReloads = MetricFamily(
        "netwarden_config_reloads_total",
        .counter,
        help: "Configuration reloads, by result (applied, rejected)."
    )
    public static let probesConfigured = MetricFamily(
        "netwarden_probes_configured",
        .gauge,
        help: "Active probes in the running configuration."
    )
    public static let samplesPublished = MetricFamily(
        "netwarden_samples_published_total",
        .counter,
        help: "Samples the daemon's producers published."
    )
    public static let eventsPublished = MetricFamily(
        "netwarden_events_published_total",
        .counter,
        help: "Events the daemon reported, by kind."
    )
    public static let sinkErrors = MetricFamily(
        "netwarden_sink_errors_total",
        .counter,
        help: "Records a local sink could not write, by sink."
    )
    public static let logLinesDropped = MetricFamily(
        "netwarden_log_lines_dropped_total",
        .counter,
        help: "Log lines dropped because the log output could not keep up."
    )
    public static let spoolBytes = MetricFamily(
        "netwarden_spool_bytes",
        .gauge,
        unit: "bytes",
        help: "Bytes on disk in the spool."
    )
    public static let spoolRecords = MetricFamily(
        "netwarden_spool_records",
        .gauge,
        help: "Records in the spool."
    )
    public static let spoolDroppedRecords = MetricFamily(
        "netwarden_spool_dropped_records_total",
        .counter,
        help: "Records the spool dropped or could not keep, by reason."
    )
    public static let spoolCorruptRecords = MetricFamily(
        "netwarden_spool_corrupt_records_total",
        .counter,
        help: "Torn or corrupt records skipped when reading the spool."
    )
    public static let outputBacklogRecords = MetricFamily(
        "netwarden_output_backlog_records",
        .gauge,
        help: "Spooled records the output has not delivered yet."
    )
    public static let outputOldestUnsentAge = MetricFamily(
        "netwarden_output_oldest_unsent_age_seconds",
        .gauge,
        unit: "seconds",
        help: "Age of the oldest record the output has not delivered (0 when it is up to date)."
    )
    public static let outputSentRecords = MetricFamily(
        "netwarden_output_sent_records_total",
        .counter,
        help: "Records the output delivered (2xx)."
    )
    public static let outputSentSamples = MetricFamily(
        "netwarden_output_sent_samples_total",
        .counter,
        help: "Samples or events the output delivered (2xx)."
    )
    public static let outputRetries = MetricFamily(
        "netwarden_output_retries_total",
        .counter,
        help: "Requests the output retried after a connection error, timeout, 429 or 5xx."
    )
    public static let outputDeadLetterBatches = MetricFamily(
        "netwarden_output_dead_letter_batches_total",
        .counter,
        help: "Batches the server rejected for good (4xx), written to the dead-letter file."
    )
    public static let outputLastSuccess = MetricFamily(
        "netwarden_output_last_success_timestamp_seconds",
        .gauge,
        unit: "seconds",
        help: "Unix time of the output's last successful request."
    )
    public static let outputRequests = MetricFamily(
        "netwarden_output_requests_total",
        .counter,
        help: "Requests the output made, by result (success, retryable, rejected, error)."
    )

    static let daemonFamilies: [MetricFamily] = [
        buildInfo, startTime, configReloads, probesConfigured, samplesPublished, eventsPublished, sinkErrors,
        logLinesDropped, spoolBytes, spoolRecords, spoolDroppedRecords, spoolCorruptRecords, outputBacklogRecords,
        outputOldestUnsentAge, outputSentRecords, outputSentSamples, outputRetries, outputDeadLetterBatches,
        outputLastSuccess, outputRequests,
    ]
}
