import Foundation
import WBTraining
import WBSupport

/// The analysis cache of one run: one JSON file per (analysis, version, epoch),
///
///     runs/<name>/analysis/<analysis>.v<version>/<epoch>.json
///
/// holding an envelope: `format`, `analysis`, `version`, `epoch`, `options`, `checkpoint` (its `CheckpointFingerprint`),
/// `reference` (the key frequencies used, for analyses that need them) and `result` (the analysis's Codable result).
/// A result is valid when name, version, options and reference match and the fingerprint matches the checkpoint file.
/// For a task read in another order than the tokens' (`CyclicView`: sub, mul, div) the order is part of `options`.
public struct AnalysisCache: Sendable {
    public static let format = "wb-analysis/1"
    public let folder: URL

    public init(folder: URL) { self.folder = folder }
    public init(run: RunFolder) { folder = run.url.appendingPathComponent("analysis", isDirectory: true) }

    struct Envelope<R: Codable>: Codable {
        var format: String
        var analysis: String
        var version: Int
        var epoch: Int
        var options: String
        var checkpoint: CheckpointFingerprint
        var reference: ReferenceFrequencies?
        var result: R
    }

    /// How a lookup went.
    enum Lookup<R> {
        /// Valid for this file (stat fields match).
        case hit(R)
        /// Made for this analysis setup, but the file's stat differs; valid if the file's hash is `sha256`.
        case stale(sha256: String?, result: R)
        case miss
    }

    static var decoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return decoder
    }

    public func url(analysis name: String, version: Int, epoch: Int) -> URL {
        folder.appendingPathComponent("\(name).v\(version)", isDirectory: true).appendingPathComponent("\(epoch).json")
    }

    /// `order` (`CyclicView.orderTag`, empty for the token order) is part of the options: a result computed in another
    /// order of the tokens is not this one.
    func lookup<A: Analysis>(_ analysis: A, epoch: Int, file: CheckpointFingerprint,
                             reference: ReferenceFrequencies?, order: String = "") -> Lookup<A.Result> {
        let url = url(analysis: A.name, version: A.version, epoch: epoch)
        guard let data = try? Data(contentsOf: url),
              let envelope = try? Self.decoder.decode(Envelope<A.Result>.self, from: data),
              envelope.format == Self.format, envelope.analysis == A.name, envelope.version == A.version,
              envelope.epoch == epoch, envelope.options == analysis.options + order,
              A.needs == .checkpoint || envelope.reference?.frequencies == reference?.frequencies
        else { return .miss }
        return envelope.checkpoint.sameFile(as: file) ? .hit(envelope.result) : .stale(sha256: envelope.checkpoint.sha256, result: envelope.result)
    }

    func store<A: Analysis>(_ analysis: A, epoch: Int, file: CheckpointFingerprint, reference: ReferenceFrequencies?,
                            result: A.Result, order: String = "") throws {
        let envelope = Envelope(format: Self.format, analysis: A.name, version: A.version, epoch: epoch,
                                options: analysis.options + order,
                                checkpoint: file, reference: A.needs == .checkpoint ? nil : reference, result: result)
        try Self.write(envelope, to: url(analysis: A.name, version: A.version, epoch: epoch))
    }

    /// Writes a cache envelope atomically as sorted-key JSON (non-finite numbers as "inf", "-inf", "nan"); a failure
    /// becomes `AnalysisError.cacheWrite` naming the file. The LLC's cache writes through it too.
    static func write<E: Encodable>(_ envelope: E, to url: URL) throws {
        do {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
            try AtomicFile.write(encoder.encode(envelope), to: url)
        } catch {
            throw AnalysisError.cacheWrite(path: url.path, reason: "\(error)")
        }
    }

    /// Removes every cached result of the run (or of one analysis).
    public func clear(analysis name: String? = nil) throws {
        let fm = FileManager.default
        guard fm.fileExists(atPath: folder.path) else { return }
        if let name {
            for entry in try fm.contentsOfDirectory(atPath: folder.path) where entry.hasPrefix("\(name).v") {
                try fm.removeItem(at: folder.appendingPathComponent(entry))
            }
        } else {
            try fm.removeItem(at: folder)
        }
    }
}
