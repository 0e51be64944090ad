/// Why records left the spool before every consumer acknowledged them, or never got into it.
/// The raw value is the `reason` label of `netwarden_spool_dropped_records_total`.
public enum SpoolDropReason: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// The byte cap pushed out the oldest segment.
    case bytes
    /// The age cap expired the oldest segment.
    case age
    /// write(2) failed with ENOSPC or EDQUOT; the append was rolled back.
    case diskFull = "disk_full"
    /// write(2) (or creating a segment) failed for another reason (EIO, EROFS, ...).
    case writeError = "write_error"
    /// A record on disk failed its checksum or was unreadable and was skipped (counted once per
    /// damaged region, since a damaged region's record count is unknowable).
    case corrupt
    /// The payload was larger than `SpoolConfiguration.maxRecordBytes`.
    case tooLarge = "too_large"
    /// `append` was called after `close`.
    case closed

    public var description: String { rawValue }
}
