import Foundation
import WBTraining

extension CommandExecutor {
    /// `save PATH`: the session's notebook continues at PATH.
    func save(_ path: String) throws -> CellOutput {
        guard let recorder = session.recorder else {
            throw ShellError("this session is not recorded (only the interactive prompt records); nothing to save")
        }
        let url = try session.writableURL(path, extension: "wbnb")
        try recorder.move(to: url)
        return .text("notebook saved to \(Session.displayPath(url)); recording continues there")
    }
}

extension Session {
    /// Where a command may write `path` (relative to the working folder). In a replayed notebook only the working folder
    /// and `$WB_HOME` are allowed, so a notebook from someone else cannot write elsewhere.
    func writableURL(_ path: String, extension required: String) throws -> URL {
        let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath, isDirectory: true)
        let url = URL(fileURLWithPath: path, relativeTo: cwd).standardizedFileURL
        guard url.pathExtension.lowercased() == required else { throw ShellError("'\(path)' must end in .\(required)") }
        if let roots = writeRoots {
            let inside = roots.contains { root in
                let base = root.standardizedFileURL.path
                return url.path == base || url.path.hasPrefix(base.hasSuffix("/") ? base : base + "/")
            }
            guard inside else {
                throw ShellError("'\(path)' is outside the working folder and $WB_HOME; a notebook may only write inside them")
            }
        }
        return url
    }
}
