import Foundation

/// The kernelspec that lets Jupyter front ends start wb: `kernels/<name>/kernel.json` under a Jupyter data folder, with
/// `argv` `[<wb>, "kernel", "-f", "{connection_file}"]`. `jupyter kernelspec list`, JupyterLab, VS Code and nbclient
/// find it there.
public struct KernelSpec: Codable, Equatable {
    public var argv: [String]
    public var displayName: String
    public var language: String
    public var interruptMode: String
    public var metadata: [String: Bool]

    enum CodingKeys: String, CodingKey {
        case argv, language, metadata
        case displayName = "display_name", interruptMode = "interrupt_mode"
    }

    /// The default kernel name (`--name` chooses another, e.g. one per build).
    public static let defaultName = "wb"

    public init(executable: URL, name: String = KernelSpec.defaultName, interruptMode: String = "signal") {
        argv = [executable.path, "kernel", "-f", "{connection_file}"]
        displayName = name == Self.defaultName ? "wb" : "wb (\(name))"
        language = "wb"
        self.interruptMode = interruptMode
        metadata = ["debugger": false]
    }

    /// Where `wb kernel install` puts kernelspecs.
    public enum Location: Equatable {
        /// The user's Jupyter data folder: `$JUPYTER_DATA_DIR`, else `$XDG_DATA_HOME/jupyter`, else
        /// `~/.local/share/jupyter` (`~/Library/Jupyter` on macOS), as jupyter_core finds it.
        case user
        /// `PREFIX/share/jupyter` (a virtual environment's or conda's prefix, or a test's temporary folder).
        case prefix(String)

        public func dataFolder(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
            switch self {
            case .prefix(let prefix):
                return URL(fileURLWithPath: prefix, isDirectory: true).appendingPathComponent("share/jupyter", isDirectory: true)
            case .user:
                if let path = environment["JUPYTER_DATA_DIR"], !path.isEmpty { return URL(fileURLWithPath: path, isDirectory: true) }
                #if os(macOS)
                return FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent("Library/Jupyter", isDirectory: true)
                #else
                if let path = environment["XDG_DATA_HOME"], !path.isEmpty {
                    return URL(fileURLWithPath: path, isDirectory: true).appendingPathComponent("jupyter", isDirectory: true)
                }
                return FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".local/share/jupyter", isDirectory: true)
                #endif
            }
        }

        public func folder(name: String, environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
            dataFolder(environment: environment).appendingPathComponent("kernels", isDirectory: true)
                .appendingPathComponent(name, isDirectory: true)
        }
    }

    /// A kernel name Jupyter accepts: letters, digits, `.`, `_`, `-`.
    public static func checkName(_ name: String) throws {
        let allowed = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")
        guard !name.isEmpty, name.unicodeScalars.allSatisfy({ allowed.contains($0) }) else {
            throw KernelError("'\(name)' is not a kernel name; allowed: letters, digits, '.', '_' and '-'")
        }
    }

    /// Writes `kernel.json` into `location`'s `kernels/<name>/` (atomically, replacing an older spec of that name) and
    /// returns the folder.
    @discardableResult
    public func install(name: String, at location: Location) throws -> URL {
        try Self.checkName(name)
        let folder = location.folder(name: name)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try (encoder.encode(self) + Data("\n".utf8)).write(to: folder.appendingPathComponent("kernel.json"), options: .atomic)
        return folder
    }

    /// Removes `kernels/<name>/` from `location`; the folder removed, or an error naming where it looked.
    @discardableResult
    public static func uninstall(name: String, at location: Location) throws -> URL {
        try checkName(name)
        let folder = location.folder(name: name)
        guard FileManager.default.fileExists(atPath: folder.appendingPathComponent("kernel.json").path) else {
            throw KernelError("no wb kernelspec named '\(name)' at \(folder.path)")
        }
        try FileManager.default.removeItem(at: folder)
        return folder
    }
}
