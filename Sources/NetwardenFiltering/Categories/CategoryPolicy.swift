/// What a category means for compliance.
///
/// Only `mustBlock` categories produce leak and blocked events: they are the ones the school must
/// evidence its filter stops (the UK Safer Internet Centre's "appropriate filtering" list).
/// `monitor` categories are counted so a school sees how much of its traffic they account for.
public enum CategoryPolicy: String, Hashable, Sendable, CaseIterable {
    case mustBlock = "must_block"
    case monitor
}
