import Foundation

/// Which tier of the suite is running: `Scripts/test --quick` sets `WB_TEST_QUICK=1` (a developer's loop), the full
/// `Scripts/test` (what CI runs) does not. Fuzzers try fewer inputs in the quick tier; every other assertion is the same.
public enum TestTier {
    /// Whether this is the quick tier.
    public static var isQuick: Bool { ProcessInfo.processInfo.environment["WB_TEST_QUICK"] == "1" }

    /// How many fuzz inputs to try: `full` in the full suite, a tenth of it (at least 1) in the quick tier.
    public static func fuzzInputs(_ full: Int) -> Int { isQuick ? max(1, full / 10) : full }
}
