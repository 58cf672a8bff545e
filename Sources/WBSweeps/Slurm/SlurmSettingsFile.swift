import Foundation

/// `$WB_HOME/slurm.json`: the Slurm settings a cluster needs, so that `sweep … on=slurm` need not repeat them. Every key
/// is optional; a `key=value` in the sweep wins over the file.
///
/// ```json
/// { "partition": "cpu", "account": "mylab", "time": "2:00:00",
///   "sbatch": ["--mem=2G", "--qos=short"], "wb": "/shared/bin/wb" }
/// ```
/// - `partition`, `account`, `time`: `#SBATCH --partition`, `--account`, `--time` (minutes, H:MM:SS or D-HH:MM:SS).
/// - `sbatch`: more `#SBATCH` lines, without the `#SBATCH ` prefix.
/// - `wb`: the `wb` program the tasks run (default: this `wb`; on a cluster it must be reachable from every node).
public struct SlurmSettingsFile: Sendable, Equatable, Codable {
    public var partition: String?
    public var account: String?
    public var time: String?
    public var sbatch: [String]?
    public var wb: String?

    public init(partition: String? = nil, account: String? = nil, time: String? = nil, sbatch: [String]? = nil, wb: String? = nil) {
        self.partition = partition; self.account = account; self.time = time; self.sbatch = sbatch; self.wb = wb
    }

    public static func url(home: URL) -> URL { home.appendingPathComponent("slurm.json") }

    /// The file under `home`, or empty settings when there is none. A file that is not valid JSON of these keys throws.
    public static func read(home: URL) throws -> SlurmSettingsFile {
        let url = url(home: home)
        guard let data = try? Data(contentsOf: url) else { return SlurmSettingsFile() }
        do { return try JSONDecoder().decode(SlurmSettingsFile.self, from: data) } catch {
            throw SweepError.slurm("\(url.path) is not valid: expected JSON with the optional keys partition, account, time "
                + "(strings), sbatch (a list of strings) and wb (a path): \(error)")
        }
    }

    public var options: SlurmOptions {
        SlurmOptions(partition: partition, account: account, time: time, extra: sbatch ?? [])
    }
}
