import Foundation
import WBTraining

/// The LLC estimates of one run on disk: one JSON file per checkpoint, component and set of hyperparameters,
///
///     runs/<name>/analysis/llc.v<version>/<component>/<settings tag>/<epoch>.json
///
/// an envelope holding the settings (every hyperparameter, checked on reading, so the tag only spreads files), the
/// checkpoint's `CheckpointFingerprint` and the `LLCEstimate`. Estimates made with other settings stay beside each
/// other (a calibration grid is cached cell by cell).
public struct LLCCache: Sendable {
    public static let format = "wb-llc/1"
    /// Bump when the estimator's numbers or the estimate's fields change (2: the chains' model takes its value tables
    /// through the heads, `TableProducts.throughHeads`).
    public static let version = 2
    public let folder: URL

    public init(run: RunFolder) {
        folder = run.url.appendingPathComponent("analysis", isDirectory: true)
            .appendingPathComponent("llc.v\(Self.version)", isDirectory: true)
    }

    struct Envelope: Codable {
        var format: String
        var settings: LLCSettings
        var checkpoint: CheckpointFingerprint
        var estimate: LLCEstimate
    }

    public func url(epoch: Int, component: String, settings: LLCSettings) -> URL {
        folder.appendingPathComponent(component, isDirectory: true).appendingPathComponent(settings.tag, isDirectory: true)
            .appendingPathComponent("\(epoch).json")
    }

    /// The cached estimate when it was made with `settings` from the file `fingerprint` describes (same stat fields,
    /// or the same bytes by hash when `sha256` is given).
    func lookup(epoch: Int, component: String, settings: LLCSettings, file: CheckpointFingerprint) -> (estimate: LLCEstimate, sha: String?, sameStat: Bool)? {
        guard let data = try? Data(contentsOf: url(epoch: epoch, component: component, settings: settings)),
              let envelope = try? AnalysisCache.decoder.decode(Envelope.self, from: data),
              envelope.format == Self.format, envelope.settings == settings, envelope.estimate.epoch == epoch,
              envelope.estimate.component == component
        else { return nil }
        return (envelope.estimate, envelope.checkpoint.sha256, envelope.checkpoint.sameFile(as: file))
    }

    func store(_ estimate: LLCEstimate, file: CheckpointFingerprint) throws {
        let url = url(epoch: estimate.epoch, component: estimate.component, settings: estimate.settings)
        let envelope = Envelope(format: Self.format, settings: estimate.settings, checkpoint: file, estimate: estimate)
        try AnalysisCache.write(envelope, to: url)
    }
}
