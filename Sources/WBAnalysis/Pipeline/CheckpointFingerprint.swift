import Crypto
import Foundation

/// Identifies the bytes of a checkpoint file, to tell whether a cached result still belongs to it.
///
/// Two levels: `size`, `modified_ns` and `inode` come from one `stat` and are checked first (microseconds, so reading
/// 100 cached checkpoints never touches their bytes); `sha256` (of the whole file) is recorded whenever the file is read
/// anyway to compute, and decides when the stat fields differ. So a checkpoint rewritten by training (a new inode and
/// mtime through the atomic rename) is recomputed, while a copied or touched run folder with the same bytes is
/// re-validated by hash, not recomputed.
public struct CheckpointFingerprint: Codable, Sendable, Equatable {
    public var size: Int
    public var modifiedNanoseconds: Int64
    public var inode: UInt64
    public var sha256: String?

    enum CodingKeys: String, CodingKey {
        case size, modifiedNanoseconds = "modified_ns", inode, sha256
    }

    /// The stat fields of the file at `url`, or nil when it does not exist.
    public static func current(_ url: URL) -> CheckpointFingerprint? {
        var info = stat()
        guard stat(url.path, &info) == 0 else { return nil }
        #if os(Linux)
        let nanoseconds = Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec)
        #else
        let nanoseconds = Int64(info.st_mtimespec.tv_sec) * 1_000_000_000 + Int64(info.st_mtimespec.tv_nsec)
        #endif
        return CheckpointFingerprint(size: Int(info.st_size), modifiedNanoseconds: nanoseconds, inode: UInt64(info.st_ino),
                                     sha256: nil)
    }

    /// Hex SHA-256 of `data`.
    public static func sha256(_ data: Data) -> String {
        SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }

    /// Same stat fields (the hash is not compared).
    public func sameFile(as other: CheckpointFingerprint) -> Bool {
        size == other.size && modifiedNanoseconds == other.modifiedNanoseconds && inode == other.inode
    }
}
