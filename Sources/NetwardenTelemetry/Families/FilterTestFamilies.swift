// Active filter tests (`[filter_tests]`). The status is one series per check and status with
// value 0 or 1 (like kube-state-metrics' phase gauges), so `sum by (status)` counts checks and an
// alert can ask for `== 1` on `status="fail"` without parsing strings.
extension MetricFamily {
    public static let filterTestStatus = MetricFamily(
        "netwarden_filter_test_status",
        .gauge,
        help: "1 for the latest status of each filter check (check, kind, category, vantage, status), else 0."
    )
    public static let filterTestChecks = MetricFamily(
        "netwarden_filter_test_checks",
        .gauge,
        help: "Filter checks in the latest run per category, vantage and status."
    )
    public static let filterTestDuration = MetricFamily(
        "netwarden_filter_test_duration_seconds",
        .gauge,
        unit: "seconds",
        help: "How long each filter check took in the latest run."
    )
    public static let filterTestLastRun = MetricFamily(
        "netwarden_filter_test_last_run_timestamp_seconds",
        .gauge,
        unit: "seconds",
        help: "When the latest filter test run finished (Unix time)."
    )
    public static let filterTestRuns = MetricFamily(
        "netwarden_filter_test_runs_total",
        .counter,
        help: "Filter test runs since the daemon started."
    )

    static let filterTestFamilies: [MetricFamily] = [
        .filterTestStatus, .filterTestChecks, .filterTestDuration, .filterTestLastRun, .filterTestRuns,
    ]
}
