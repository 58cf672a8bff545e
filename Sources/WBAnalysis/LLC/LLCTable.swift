import Foundation
import WBTraining
import WBSupport

/// `runs/<name>/llc.csv`: every LLC estimate of the run, one row per checkpoint, component and set of hyperparameters,
/// for pandas (`pd.read_csv("runs/NAME/llc.csv")`):
///
///     epoch,component,llc_eps,llc_gamma,llc_nbeta,llc_chains,llc_draws,llc_burnin,llc_batch,llc_seed,
///     initial_loss,llc,standard_error,chains_used,chains_diverged
///
/// `llc_nbeta` is the value used (m / ln m when not given); `llc_batch` is a number or `full`; an empty `llc` means
/// every chain diverged, an empty `standard_error` fewer than two chains used. Rewritten whole (atomically) after each
/// new estimate: a row of the same checkpoint, component and settings is replaced, the rest kept, sorted by epoch.
public struct LLCTable {
    public static let header = "epoch,component,llc_eps,llc_gamma,llc_nbeta,llc_chains,llc_draws,llc_burnin,llc_batch,llc_seed,"
        + "initial_loss,llc,standard_error,chains_used,chains_diverged"
    public let url: URL

    public init(run: RunFolder) { url = run.url.appendingPathComponent("llc.csv") }

    /// The row of one estimate.
    public static func row(_ e: LLCEstimate) -> String {
        let s = e.settings
        func number(_ v: Double?) -> String { v.map { "\($0)" } ?? "" }
        return ["\(e.epoch)", e.component, "\(s.eps)", "\(s.gamma)", "\(e.nbeta)", "\(s.chains)", "\(s.draws)", "\(s.burnin)",
                s.batch == 0 ? "full" : "\(s.batch)", "\(s.seed)", "\(e.initialLoss)", number(e.llc), number(e.standardError),
                "\(e.chainsUsed)", "\(e.chainsDiverged)"].joined(separator: ",")
    }

    /// The rows on disk (without the header); none when the file does not exist or has another header.
    public func rows() -> [String] {
        guard let text = try? String(contentsOf: url, encoding: .utf8) else { return [] }
        let lines = text.split(separator: "\n").map(String.init)
        guard lines.first == Self.header else { return [] }
        return Array(lines.dropFirst())
    }

    /// Adds (or replaces) the rows of `estimates` and writes the file.
    public func record(_ estimates: [LLCEstimate]) throws {
        guard !estimates.isEmpty else { return }
        // A row's identity: epoch, component and the ten settings columns (everything before initial_loss).
        func identity(_ row: String) -> String { row.split(separator: ",", omittingEmptySubsequences: false).prefix(10).joined(separator: ",") }
        var byIdentity: [String: String] = [:]
        var order: [String] = []
        for row in rows() + estimates.map(Self.row) {
            let id = identity(row)
            if byIdentity[id] == nil { order.append(id) }
            byIdentity[id] = row
        }
        let sorted = order.map { byIdentity[$0]! }.enumerated().sorted { lhs, rhs in
            let a = Int(lhs.element.prefix { $0 != "," }) ?? 0, b = Int(rhs.element.prefix { $0 != "," }) ?? 0
            return a != b ? a < b : lhs.offset < rhs.offset
        }.map(\.element)
        try AtomicFile.write(([Self.header] + sorted).joined(separator: "\n") + "\n", to: url)
    }
}
