import Foundation

/// An exclusive hold on one point of a sweep while a worker trains it (`flock` on `runs/NAME/.point-INDEX.lock`, released
/// when the worker ends, however it ends). A worker started for a point whose previous worker is still alive (one left
/// running by a coordinator that was killed, or a Slurm task requeued) waits for it to save and exit before it reads the
/// point's checkpoints, so two processes never train one point at once.
public final class SweepPointLock {
    private let fd: Int32

    /// Waits until no other process holds point `index` of `folder`, then holds it.
    public init(_ folder: SweepFolder, index: Int) throws {
        let url = folder.url.appendingPathComponent(".point-\(index).lock")
        fd = open(url.path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw SweepError.worker("cannot open \(url.path): \(String(cString: strerror(errno)))") }
        while flock(fd, LOCK_EX) != 0 {
            guard errno == EINTR else {
                let reason = String(cString: strerror(errno))
                close(fd)
                throw SweepError.worker("cannot lock \(url.path): \(reason)")
            }
        }
    }

    deinit { flock(fd, LOCK_UN); close(fd) }
}
