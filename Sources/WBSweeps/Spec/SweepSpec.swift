import Foundation
import WBTraining

/// What `sweep NAME …` asks for, as typed: the keys that vary and their values, the keys fixed for every point, the
/// template the points start from, and where the points run.
///
/// ```
/// sweep wdfrac wd=0.3,1 frac=0.3..0.5 step 0.1 seeds=0..2 p=23 epochs=3000 jobs=2
/// ```
/// gives 2 × 3 × 3 = 18 points named like `wd=0.3,frac=0.4,seed=2`. Parse with `SweepSpec.parse(name:text:)`, then make the
/// points with `SweepGrid.make(spec:base:)`.
public struct SweepSpec: Sendable, Equatable, Codable {
    /// The sweep's folder name under the runs folder.
    public var name: String
    /// Keys given two or more values, in the order typed (seed keys last): the grid's dimensions.
    public var axes: [SweepAxis]
    /// `key=value` assignments given one value: the same in every point.
    public var fixed: [String]
    /// `template=T`: the config the points start from (nil: the paper's defaults, or the session's template).
    public var template: String?
    /// `jobs=N`: points trained at once (nil: the cores divided by the points' threads; with `on=slurm`, the array's `%M`).
    public var jobs: Int?
    /// `on=local|slurm` (nil: not given; a new sweep runs locally, a continued one where it ran).
    public var executor: SweepExecutorKind?
    /// `partition=`, `account=`, `time=`, `sbatch="…"` (used with `on=slurm`).
    public var slurm: SlurmOptions
    /// `--yes`: a grid above `SweepSpec.confirmationThreshold` points runs without asking.
    public var confirmed: Bool
    /// `--print`: with `on=slurm`, write the batch script and do not submit it.
    public var printOnly: Bool

    public init(name: String, axes: [SweepAxis] = [], fixed: [String] = [], template: String? = nil, jobs: Int? = nil,
                executor: SweepExecutorKind? = nil, slurm: SlurmOptions = SlurmOptions(), confirmed: Bool = false,
                printOnly: Bool = false) {
        self.name = name; self.axes = axes; self.fixed = fixed; self.template = template; self.jobs = jobs
        self.executor = executor; self.slurm = slurm; self.confirmed = confirmed; self.printOnly = printOnly
    }

    /// Grids larger than this ask for confirmation at the prompt and need `--yes` in a script.
    public static let confirmationThreshold = 1_000
    /// No grid may be larger than this.
    public static let maximumPoints = 100_000

    /// The number of points: the product of the axes' sizes (1 when nothing varies).
    public var pointCount: Int { axes.reduce(1) { $0 * $1.values.count } }

    /// True when the text held keys (a grid), false for a bare `sweep NAME` (continue the sweep of that name).
    public var definesGrid: Bool { !axes.isEmpty || !fixed.isEmpty || template != nil }

    /// The grid and its options as one line (what `sweep.json` records and a notebook shows); options that only say how
    /// to run (`jobs`, `on`, `--yes`, `--print`, Slurm settings) are left out, so a continued sweep compares equal.
    public var gridText: String {
        var words: [String] = []
        if let template { words.append("template=\(template)") }
        for axis in axes { words.append("\(axis.typedKey)=\(axis.values.joined(separator: ","))") }
        words += fixed
        return words.joined(separator: " ")
    }

    /// Reads the words after `sweep NAME`. Errors name the word that was wrong and say what is allowed.
    public static func parse(name: String, text: String) throws -> SweepSpec {
        try SweepSpecParser.parse(name: name, text: text)
    }

    /// Checks a sweep name: it is a folder under the runs folder.
    public static func validateName(_ name: String) throws {
        let ok = !name.isEmpty && name.count <= 100 && !name.hasPrefix(".")
            && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }
        guard ok else {
            throw SweepError.invalidName(name, allowed: "letters, digits, '-', '_' and '.', not starting with '.'")
        }
        guard !SweepSpec.reservedNames.contains(name.lowercased()) else {
            throw SweepError.invalidName(name, allowed: "any name but \(SweepSpec.reservedNames.sorted().joined(separator: ", ")) (subcommands of `sweep`)")
        }
    }

    /// Words that are subcommands of `sweep`, so not sweep names.
    public static let reservedNames: Set<String> = ["status", "stop", "table", "list"]
}

/// One dimension of a grid: a config key and its values, as text the config accepts.
public struct SweepAxis: Sendable, Equatable, Codable {
    /// The config key (`init_seed` for `seeds=`).
    public var key: String
    /// The key as typed (`seeds`, `wd`), for `gridText`.
    public var typedKey: String
    /// The key in point names and figure axes (`seed` for `seeds=`).
    public var label: String
    /// The values, in order, as they appear in point names.
    public var values: [String]

    public init(key: String, typedKey: String, label: String, values: [String]) {
        self.key = key; self.typedKey = typedKey; self.label = label; self.values = values
    }

    /// Seed axes go last in point names (`wd=0.3,frac=0.4,seed=2`).
    public var isSeed: Bool { key == "init_seed" || key == "data_seed" }
}

/// Where a sweep's points run.
public enum SweepExecutorKind: String, Sendable, Equatable, Codable, CaseIterable {
    /// A pool of `wb` worker processes on this machine.
    case local
    /// A Slurm job array, one point per task.
    case slurm
}

/// The settings a Slurm cluster needs: from `key=value` in the sweep, else `$WB_HOME/slurm.json` (`SlurmSettingsFile`).
public struct SlurmOptions: Sendable, Equatable, Codable {
    public var partition: String?
    public var account: String?
    /// The time limit per task, as `sbatch --time` takes it (`30`, `2:00:00`, `1-00:00:00`).
    public var time: String?
    /// Extra `#SBATCH` lines, without the `#SBATCH ` prefix (`--mem=2G`, `--qos=short`).
    public var extra: [String]

    public init(partition: String? = nil, account: String? = nil, time: String? = nil, extra: [String] = []) {
        self.partition = partition; self.account = account; self.time = time; self.extra = extra
    }

    /// These settings, with `other`'s where these have none (the sweep's words over the settings file).
    public func filling(from other: SlurmOptions) -> SlurmOptions {
        SlurmOptions(partition: partition ?? other.partition, account: account ?? other.account, time: time ?? other.time,
                     extra: (other.extra + extra).reduce(into: []) { lines, line in if !lines.contains(line) { lines.append(line) } })
    }
}
