import LienThongDomain

/// Test shorthand: an ISO string known to be valid.
func day(_ iso: String) -> CivilDate {
    guard let date = CivilDate(iso: iso) else { fatalError("bad test date \(iso)") }
    return date
}
