import Foundation
import WBTraining
import WBSupport

/// A sweep on disk:
///
///     runs/NAME/sweep.json          the spec, the points, their state (`SweepManifest`), written atomically
///     runs/NAME/<point>/            each point's ordinary run folder (`RunFolder`)
///     runs/NAME/summary.csv         one row per point (`SweepSummary`), written by `sweep table`
///     runs/NAME/slurm/              the batch script and the tasks' output (with on=slurm)
///     runs/NAME/.lock               held (flock) by the process running the sweep
///     runs/NAME/.point-INDEX.lock   held by the worker training that point (`SweepPointLock`)
public struct SweepFolder: Sendable {
    public let url: URL
    public var name: String { url.lastPathComponent }
    public var manifestURL: URL { url.appendingPathComponent("sweep.json") }
    public var summaryURL: URL { url.appendingPathComponent("summary.csv") }
    public var slurmURL: URL { url.appendingPathComponent("slurm", isDirectory: true) }
    public var lockURL: URL { url.appendingPathComponent(".lock") }

    public init(url: URL) { self.url = url.standardizedFileURL }
    public init(root: URL, name: String) { self.init(url: root.appendingPathComponent(name, isDirectory: true)) }

    public var exists: Bool { FileManager.default.fileExists(atPath: manifestURL.path) }

    /// The run folder of a point.
    public func run(_ point: SweepPoint) -> RunFolder { RunFolder(url: url.appendingPathComponent(point.name, isDirectory: true)) }

    public func readManifest() throws -> SweepManifest {
        let data: Data
        do { data = try Data(contentsOf: manifestURL) } catch {
            throw SweepError.notFound(name: name, path: url.path)
        }
        do { return try JSONDecoder().decode(SweepManifest.self, from: data) } catch {
            throw SweepError.damaged(path: manifestURL.path, reason: "\(error)")
        }
    }

    public func writeManifest(_ manifest: SweepManifest) throws {
        var manifest = manifest
        manifest.updated = ISO8601DateFormatter().string(from: Date())
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(encoder.encode(manifest), to: manifestURL)
    }

    /// What a point's run folder says about it: queued (no folder), finished (a checkpoint at its last epoch) or stopped;
    /// with its latest checkpoint epoch.
    public func inspect(_ point: SweepPoint) -> (state: PointState, epoch: Int?) {
        let run = self.run(point)
        guard run.exists else { return (.queued, nil) }
        let latest = run.checkpointEpochs().last
        if let latest, latest >= point.config.epochs { return (.finished, latest) }
        return (.stopped, latest)
    }

    /// The bytes under the sweep's folder.
    public func diskBytes() -> Int64 { Self.diskBytes(url) }

    /// The bytes of the files under `url`.
    public static func diskBytes(_ url: URL) -> Int64 {
        guard let walker = FileManager.default.enumerator(at: url, includingPropertiesForKeys: [.fileSizeKey, .isRegularFileKey]) else { return 0 }
        var total: Int64 = 0
        for case let file as URL in walker {
            let values = try? file.resourceValues(forKeys: [.fileSizeKey, .isRegularFileKey])
            if values?.isRegularFile == true { total += Int64(values?.fileSize ?? 0) }
        }
        return total
    }
}

/// An exclusive hold on a sweep (`flock` on `runs/NAME/.lock`, released when the process ends, however it ends), so two
/// processes never run the same sweep at once. The file holds the holder's pid, for `sweep stop`.
public final class SweepLock {
    private let fd: Int32

    /// Takes the lock, or throws `SweepError.busy` with the holder's pid.
    public init(_ folder: SweepFolder) throws {
        try FileManager.default.createDirectory(at: folder.url, withIntermediateDirectories: true)
        fd = open(folder.lockURL.path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw SweepError.worker("cannot open \(folder.lockURL.path): \(String(cString: strerror(errno)))") }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            throw SweepError.busy(name: folder.name, pid: Self.holder(folder) ?? 0)
        }
        ftruncate(fd, 0)
        let text = "\(getpid())\n"
        _ = text.withCString { Foundation.write(fd, $0, strlen($0)) }
    }

    deinit { flock(fd, LOCK_UN); close(fd) }

    /// The pid of the process holding the sweep's lock, or nil when no process holds it.
    public static func holder(_ folder: SweepFolder) -> Int32? {
        let probe = open(folder.lockURL.path, O_RDONLY)
        guard probe >= 0 else { return nil }
        defer { close(probe) }
        if flock(probe, LOCK_SH | LOCK_NB) == 0 { flock(probe, LOCK_UN); return nil }
        let text = (try? String(contentsOf: folder.lockURL, encoding: .utf8)) ?? ""
        return Int32(text.trimmingCharacters(in: .whitespacesAndNewlines))
    }
}
