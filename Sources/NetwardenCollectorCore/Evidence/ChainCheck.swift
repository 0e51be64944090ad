/// What verifying one compliance record's hash chain found.
///
/// The collector holds each record as a `filter_compliance` event whose attributes are the sealed
/// fields plus `prev` and `hash`. Two things are checked: the record still hashes to its `hash`
/// (nothing edited), and its `prev` is the hash of a record the collector holds (nothing deleted
/// or inserted before it).
public enum ChainCheck: Sendable, Equatable {
    /// Hash matches and `prev` links to a held record (or is the genesis of a new log).
    case verified
    /// Hash matches, `prev` is unknown, and no older record of this gateway is held: the chain
    /// began before the collector's records (pruned by retention, or sent before it existed).
    case chainStart
    /// The record no longer hashes to its `hash`: a field (or the hash) was edited.
    case tampered
    /// Hash matches but the record before it in the chain is not held: deleted, or never received.
    case missingLink
    /// Another held record already follows the same `prev`: one of them was inserted.
    case forked
    /// No `prev`/`hash`: the gateway could not write its local log, so nothing was sealed.
    case unsealed

    /// Whether an inspector must look at this record.
    public var isFlagged: Bool {
        switch self {
        case .verified, .chainStart: false
        case .tampered, .missingLink, .forked, .unsealed: true
        }
    }

    /// The word in the CSV's `chain` column and on the page.
    public var word: String {
        switch self {
        case .verified: "verified"
        case .chainStart: "chain-start"
        case .tampered: "TAMPERED"
        case .missingLink: "MISSING-LINK"
        case .forked: "FORKED"
        case .unsealed: "UNSEALED"
        }
    }

    /// One sentence for the CSV's `chain_detail` column and the page's tooltip.
    public var explanation: String {
        switch self {
        case .verified: "hash matches the record and links to the record before it"
        case .chainStart:
            "hash matches; the records before it are not held here (older than retention or sent before this collector)"
        case .tampered: "the record does not hash to its stored hash: it was edited after it was sealed"
        case .missingLink: "the record before it in the chain is not held: it was deleted or never arrived"
        case .forked: "another record follows the same previous record: one of the two was inserted"
        case .unsealed: "no hash chain: the gateway could not write its local compliance log for this check"
        }
    }
}
