import Foundation

/// Turns a figure's SVG into a PNG with librsvg's `rsvg-convert` (Debian's `librsvg2-bin`, installed by
/// `Scripts/setup`), on a white background at the SVG's own size. The PNG goes beside the SVG in Jupyter outputs: front
/// ends that do not render SVG, and JupyterLab for an untrusted notebook (one executed by `nbconvert`, say), show it.
///
/// Without `rsvg-convert`, or when it fails or takes longer than `timeout`, there is no PNG (nil) and the output
/// carries the other forms only; nothing is printed.
public enum SVGRasterizer {
    /// The longest a conversion may take.
    public static let timeout: TimeInterval = 10

    /// The rsvg-convert found on PATH (looked up once).
    static let tool: URL? = {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for folder in path.split(separator: ":") {
            let candidate = URL(fileURLWithPath: String(folder)).appendingPathComponent("rsvg-convert")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        return nil
    }()

    /// The PNG bytes of `svg`, or nil.
    public static func png(_ svg: String) -> Data? {
        guard let tool else { return nil }
        let process = Process()
        process.executableURL = tool
        process.arguments = ["--format=png", "--background-color=white"]
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return nil }
        // Write on another thread: a large SVG would otherwise fill the pipe while rsvg-convert fills its own.
        let writer = Thread {
            try? input.fileHandleForWriting.write(contentsOf: Data(svg.utf8))
            try? input.fileHandleForWriting.close()
        }
        writer.start()
        let deadline = DispatchWorkItem { if process.isRunning { process.terminate() } }
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout, execute: deadline)
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        deadline.cancel()
        guard process.terminationReason == .exit, process.terminationStatus == 0,
              data.starts(with: [0x89, 0x50, 0x4E, 0x47]) else { return nil }
        return data
    }
}
