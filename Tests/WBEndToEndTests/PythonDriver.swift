import Foundation

/// Runs one of the Python drivers in `Python/` (real Jupyter clients, JupyterLab in Chromium) and returns the JSON
/// object it prints: what it observed. The drivers decide nothing; the Swift tests assert on the report. The driver's
/// stderr goes to a file in `folder`, quoted when it fails.
enum PythonDriver {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Python")

    /// Runs `python3 Python/<script> <arguments…>`; `missing` names what Scripts/setup installs, for the hint shown when
    /// a Python module is missing.
    static func run(_ script: String, _ arguments: [String], in workFolder: URL, stderrName: String, missing: String) throws -> [String: Any] {
        let python = ProcessInfo.processInfo.environment["PYTHON"] ?? "python3"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [python, folder.appendingPathComponent(script).path] + arguments
        let out = Pipe()
        let errFile = workFolder.appendingPathComponent(stderrName)
        _ = FileManager.default.createFile(atPath: errFile.path, contents: nil)
        let err = try FileHandle(forWritingTo: errFile)
        defer { try? err.close() }
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let stderr = (try? String(contentsOf: errFile, encoding: .utf8)) ?? ""
        guard process.terminationStatus == 0 else {
            let hint = stderr.contains("No module named") ? " (run Scripts/setup: it installs \(missing))" : ""
            throw KernelDriverError("\(script) failed with status \(process.terminationStatus)\(hint):\n\(stderr.suffix(3000))")
        }
        guard let object = (try? JSONSerialization.jsonObject(with: outData)) as? [String: Any] else {
            throw KernelDriverError("\(script) printed no JSON object:\n\(stderr.suffix(3000))")
        }
        return object
    }
}

struct KernelDriverError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
