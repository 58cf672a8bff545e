import Foundation
import XCTest

/// A single-node Slurm for tests (`docs/sweeps.md`, on=slurm): a `slurm.conf` in a temporary folder
/// (this machine as the node, `proctrack/linuxproc`, `task/none`, no accounting, ports of its own), `munged` when none
/// answers, `slurmctld` and `slurmd` in the foreground on loopback. `stop()` ends exactly the daemons it started, by pid.
final class SlurmTestCluster {
    let folder: URL
    let conf: URL
    let partition = "wbtest"
    private var daemons: [(name: String, pid: pid_t)] = []

    /// The environment Slurm's clients need (`SLURM_CONF`).
    var environment: [String: String] { ["SLURM_CONF": conf.path] }

    /// Starts the cluster; throws (with what to install) when Slurm is missing, or when the node does not come up.
    init(folder: URL) throws {
        self.folder = folder
        conf = folder.appendingPathComponent("slurm.conf")
        for tool in ["slurmctld", "slurmd", "sbatch", "squeue", "scancel", "sinfo", "munged", "munge"] where Self.which(tool) == nil {
            throw SlurmClusterError("\(tool) is not installed: run Scripts/setup (it installs slurm-wlm and munge)")
        }
        for sub in ["state", "spool"] {
            try FileManager.default.createDirectory(at: folder.appendingPathComponent(sub), withIntermediateDirectories: true)
        }
        let port = 20_000 + Int.random(in: 0..<5_000) * 2
        let cpus = ProcessInfo.processInfo.activeProcessorCount
        let text = """
        ClusterName=wbtest
        SlurmctldHost=localhost
        SlurmUser=root
        SlurmdUser=root
        AuthType=auth/munge
        ProctrackType=proctrack/linuxproc
        TaskPlugin=task/none
        SelectType=select/cons_tres
        SelectTypeParameters=CR_Core
        ReturnToService=2
        JobAcctGatherType=jobacct_gather/none
        AccountingStorageType=accounting_storage/none
        MpiDefault=none
        SlurmctldPort=\(port)
        SlurmdPort=\(port + 1)
        StateSaveLocation=\(folder.path)/state
        SlurmdSpoolDir=\(folder.path)/spool
        SlurmctldPidFile=\(folder.path)/slurmctld.pid
        SlurmdPidFile=\(folder.path)/slurmd.pid
        SlurmctldLogFile=\(folder.path)/slurmctld.log
        SlurmdLogFile=\(folder.path)/slurmd.log
        NodeName=localhost CPUs=\(cpus) RealMemory=1000 State=UNKNOWN
        PartitionName=\(partition) Nodes=localhost Default=YES MaxTime=INFINITE State=UP

        """
        try text.write(to: conf, atomically: true, encoding: .utf8)
        if !Self.mungeAnswers() {
            try FileManager.default.createDirectory(atPath: "/run/munge", withIntermediateDirectories: true)
            try start("munged", ["--foreground", "--force"])
            let deadline = Date().addingTimeInterval(10)
            while !Self.mungeAnswers() && Date() < deadline { usleep(200_000) }
            guard Self.mungeAnswers() else { stop(); throw SlurmClusterError("munged did not answer within 10 s") }
        }
        try start("slurmctld", ["-D", "-f", conf.path])
        usleep(2_000_000)
        try start("slurmd", ["-D", "-f", conf.path, "-N", "localhost"])
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            if let state = try? Self.output("sinfo", ["-h", "-o", "%t"], environment: environment),
               state.trimmingCharacters(in: .whitespacesAndNewlines) == "idle" { return }
            usleep(500_000)
        }
        let log = (try? String(contentsOf: folder.appendingPathComponent("slurmctld.log"), encoding: .utf8)) ?? ""
        stop()
        throw SlurmClusterError("the node did not become idle within 60 s; slurmctld.log ends: \(log.suffix(600))")
    }

    private func start(_ tool: String, _ arguments: [String]) throws {
        let log = folder.appendingPathComponent("\(tool).stderr")
        let pid = try Self.spawn(Self.which(tool)!, arguments, environment: environment, output: "/dev/null", errors: log.path)
        daemons.append((tool, pid))
    }

    /// Stops the daemons this cluster started (newest first), each by its pid, and waits for them.
    func stop() {
        for (_, pid) in daemons.reversed() {
            kill(pid, SIGTERM)
            let deadline = Date().addingTimeInterval(15)
            var status: Int32 = 0
            while waitpid(pid, &status, WNOHANG) == 0 && Date() < deadline { usleep(100_000) }
            if waitpid(pid, &status, WNOHANG) == 0 { kill(pid, SIGKILL); waitpid(pid, &status, 0) }
        }
        daemons.removeAll()
    }

    /// Starts a program with posix_spawn (Foundation's Process is not used here: with daemons as children its
    /// waitUntilExit was seen to hang), standard output and error to files; returns its pid.
    static func spawn(_ path: String, _ arguments: [String], environment: [String: String], output: String, errors: String,
                      input: String = "/dev/null") throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, input, O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, errors, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        let variables = ProcessInfo.processInfo.environment.merging(environment) { _, ours in ours }.map { "\($0.key)=\($0.value)" }
        var argv: [UnsafeMutablePointer<CChar>?] = ([path] + arguments).map { strdup($0) } + [nil]
        var envp: [UnsafeMutablePointer<CChar>?] = variables.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) }; envp.forEach { free($0) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, path, &actions, nil, &argv, &envp)
        guard result == 0 else { throw SlurmClusterError("cannot start \(path): \(String(cString: strerror(result)))") }
        return pid
    }

    deinit { stop() }

    static func mungeAnswers() -> Bool {
        guard let credential = try? output("munge", ["-n"], environment: [:]),
              let text = try? output("unmunge", [], environment: [:], input: credential) else { return false }
        return text.contains("STATUS:") && text.contains("Success")
    }

    /// A tool's standard output (through a file), or an error when it fails.
    static func output(_ tool: String, _ arguments: [String], environment: [String: String], input: String? = nil) throws -> String {
        guard let path = which(tool) else { throw SlurmClusterError("\(tool) is not installed") }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("wb-slurm-\(UUID().uuidString)")
        let source = file.appendingPathExtension("in")
        defer { try? FileManager.default.removeItem(at: file); try? FileManager.default.removeItem(at: source) }
        if let input { try input.write(to: source, atomically: true, encoding: .utf8) }
        let pid = try spawn(path, arguments, environment: environment, output: file.path, errors: "/dev/null",
                            input: input == nil ? "/dev/null" : source.path)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        let data = (try? Data(contentsOf: file)) ?? Data()
        guard status == 0 else { throw SlurmClusterError("\(tool) failed with status \(status)") }
        return String(decoding: data, as: UTF8.self)
    }

    static func which(_ tool: String) -> String? {
        for dir in ["/usr/sbin", "/usr/bin", "/sbin", "/bin", "/usr/local/bin", "/usr/local/sbin"] {
            let path = "\(dir)/\(tool)"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return nil
    }
}

struct SlurmClusterError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
