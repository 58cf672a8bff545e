import Foundation

/// Writes files so that a crash or a kill at any moment leaves either the old file or the new one, never a mix:
/// the bytes go to a temporary file in the same folder, are flushed to disk, then renamed over the target.
public enum AtomicFile {
    public static func write(_ data: Data, to url: URL) throws {
        let folder = url.deletingLastPathComponent()
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let temporary = folder.appendingPathComponent(".\(url.lastPathComponent).\(ProcessInfo.processInfo.processIdentifier).tmp")
        let fd = open(temporary.path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw AtomicFileError(path: url.path, reason: String(cString: strerror(errno))) }
        var ok = true
        data.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let written = Foundation.write(fd, raw.baseAddress! + offset, raw.count - offset)
                if written <= 0 { ok = false; break }
                offset += written
            }
        }
        if ok { ok = fsync(fd) == 0 }
        let reason = ok ? "" : String(cString: strerror(errno))
        close(fd)
        guard ok, rename(temporary.path, url.path) == 0 else {
            unlink(temporary.path)
            throw AtomicFileError(path: url.path, reason: ok ? String(cString: strerror(errno)) : reason)
        }
    }

    public static func write(_ text: String, to url: URL) throws { try write(Data(text.utf8), to: url) }

    /// Flushes the folder holding `url` to disk, so the renames done in it so far survive a power loss too (a kill of
    /// the process alone never loses a finished rename). Call it before removing what an earlier file replaces.
    public static func syncFolder(of url: URL) throws {
        let folder = url.deletingLastPathComponent()
        let fd = open(folder.path, O_RDONLY | O_DIRECTORY)
        guard fd >= 0 else { throw AtomicFileError(path: folder.path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw AtomicFileError(path: folder.path, reason: String(cString: strerror(errno))) }
    }

    /// Appends one chunk of text with a single write(2) on an O_APPEND descriptor (used for logs, never rewritten).
    public static func append(_ text: String, to url: URL) throws {
        let fd = open(url.path, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        guard fd >= 0 else { throw AtomicFileError(path: url.path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        let bytes = Array(text.utf8)
        let written = bytes.withUnsafeBytes { Foundation.write(fd, $0.baseAddress!, $0.count) }
        guard written == bytes.count else { throw AtomicFileError(path: url.path, reason: String(cString: strerror(errno))) }
    }
}

/// A file that could not be written.
public struct AtomicFileError: Error, CustomStringConvertible {
    public let path: String
    public let reason: String
    public var description: String { "could not write \(path): \(reason)" }
}
