// Passive capture, inspection and filter-judgement families.
extension MetricFamily {
    /// 1 while the interface is capturing, 0 while it cannot be opened (missing, down, no
    /// permission) and its worker waits to retry.
    public static let captureInterfaceUp = MetricFamily(
        "netwarden_capture_interface_up",
        .gauge,
        help: "Whether capture on the interface is running (1) or failing and being retried (0)."
    )
    public static let captureOpenFailures = MetricFamily(
        "netwarden_capture_open_failures_total",
        .counter,
        help: "Attempts to open the interface for capture that failed."
    )
    public static let capturePackets = MetricFamily(
        "netwarden_capture_packets_total",
        .counter,
        help: "Packets the kernel delivered to capture."
    )
    public static let captureKernelDrops = MetricFamily(
        "netwarden_capture_kernel_drops_total",
        .counter,
        help: "Packets the kernel dropped because capture did not keep up."
    )
    public static let captureInterfaceDrops = MetricFamily(
        "netwarden_capture_interface_drops_total",
        .counter,
        help: "Packets the interface or driver dropped."
    )
    public static let captureTruncated = MetricFamily(
        "netwarden_capture_truncated_packets_total",
        .counter,
        help: "Packets longer than the snapshot length."
    )
    public static let inspectionFlowsActive = MetricFamily(
        "netwarden_inspection_flows_active",
        .gauge,
        help: "Flows being tracked."
    )
    public static let inspectionFlowsEvicted = MetricFamily(
        "netwarden_inspection_flows_evicted_total",
        .counter,
        help: "Flows evicted, by reason (capacity, idle)."
    )
    public static let inspectionUndecodable = MetricFamily(
        "netwarden_inspection_undecodable_packets_total",
        .counter,
        help: "Packets that could not be decoded."
    )
    public static let inspectionFragments = MetricFamily(
        "netwarden_inspection_fragments_total",
        .counter,
        help: "IP fragments held for reassembly."
    )
    public static let inspectionReassembled = MetricFamily(
        "netwarden_inspection_datagrams_reassembled_total",
        .counter,
        help: "Fragmented datagrams reassembled."
    )
    public static let inspectionFragmentDrops = MetricFamily(
        "netwarden_inspection_fragment_drops_total",
        .counter,
        help: "Fragments dropped, by reason."
    )
    public static let inspectionMalformed = MetricFamily(
        "netwarden_inspection_malformed_total",
        .counter,
        help: "Malformed protocol messages, by protocol."
    )
    public static let filterLeaks = MetricFamily(
        "netwarden_filter_leaks_total",
        .counter,
        help: "Must-block names that got through, by category and method."
    )
    public static let filterBlocked = MetricFamily(
        "netwarden_filter_blocked_total",
        .counter,
        help: "Must-block names the filter stopped, by category."
    )
    public static let bypass = MetricFamily(
        "netwarden_bypass_total",
        .counter,
        help: "Filter bypass attempts seen, by kind."
    )
    public static let names = MetricFamily(
        "netwarden_names_total",
        .counter,
        help: "Names seen in traffic, by protocol."
    )
    public static let categoryNames = MetricFamily(
        "netwarden_category_names_total",
        .counter,
        help: "Names seen in each category, whatever its policy."
    )

    static let captureFamilies: [MetricFamily] = [
        captureInterfaceUp, captureOpenFailures, capturePackets, captureKernelDrops, captureInterfaceDrops,
        captureTruncated, inspectionFlowsActive,
        inspectionFlowsEvicted, inspectionUndecodable, inspectionFragments, inspectionReassembled,
        inspectionFragmentDrops, inspectionMalformed, filterLeaks, filterBlocked, bypass, names, categoryNames,
    ]
}
