import Foundation

/// The connection file a Jupyter front end writes for a kernel it starts (`wb kernel -f FILE`): transport, address, the
/// five ports, and the HMAC key and scheme. The kernel binds; clients connect.
public struct ConnectionFile: Codable, Equatable {
    public var transport: String
    public var ip: String
    public var shellPort: Int
    public var iopubPort: Int
    public var stdinPort: Int
    public var controlPort: Int
    public var hbPort: Int
    public var key: String
    public var signatureScheme: String
    public var kernelName: String?

    enum CodingKeys: String, CodingKey {
        case transport, ip, key
        case shellPort = "shell_port", iopubPort = "iopub_port", stdinPort = "stdin_port", controlPort = "control_port"
        case hbPort = "hb_port", signatureScheme = "signature_scheme", kernelName = "kernel_name"
    }

    public init(transport: String = "tcp", ip: String = "127.0.0.1", shellPort: Int, iopubPort: Int, stdinPort: Int,
                controlPort: Int, hbPort: Int, key: String, signatureScheme: String = "hmac-sha256", kernelName: String? = nil) {
        self.transport = transport; self.ip = ip; self.shellPort = shellPort; self.iopubPort = iopubPort
        self.stdinPort = stdinPort; self.controlPort = controlPort; self.hbPort = hbPort; self.key = key
        self.signatureScheme = signatureScheme; self.kernelName = kernelName
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        transport = try c.decodeIfPresent(String.self, forKey: .transport) ?? "tcp"
        ip = try c.decodeIfPresent(String.self, forKey: .ip) ?? "127.0.0.1"
        shellPort = try c.decode(Int.self, forKey: .shellPort)
        iopubPort = try c.decode(Int.self, forKey: .iopubPort)
        stdinPort = try c.decode(Int.self, forKey: .stdinPort)
        controlPort = try c.decode(Int.self, forKey: .controlPort)
        hbPort = try c.decode(Int.self, forKey: .hbPort)
        key = try c.decodeIfPresent(String.self, forKey: .key) ?? ""
        signatureScheme = try c.decodeIfPresent(String.self, forKey: .signatureScheme) ?? "hmac-sha256"
        kernelName = try c.decodeIfPresent(String.self, forKey: .kernelName)
    }

    /// Reads and checks a connection file; the error names the file and what is wrong with it.
    public static func read(from url: URL) throws -> ConnectionFile {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw KernelError("cannot read the connection file \(url.path): \(error.localizedDescription)")
        }
        let file: ConnectionFile
        do { file = try JSONDecoder().decode(ConnectionFile.self, from: data) } catch {
            throw KernelError("\(url.path) is not a Jupyter connection file (JSON with transport, ip, shell_port, iopub_port, "
                + "stdin_port, control_port, hb_port, key, signature_scheme): \(Self.describe(error))")
        }
        guard file.transport == "tcp" || file.transport == "ipc" else {
            throw KernelError("\(url.path): transport '\(file.transport)' is not supported; allowed: tcp, ipc")
        }
        guard file.signatureScheme == "hmac-sha256" else {
            throw KernelError("\(url.path): signature_scheme '\(file.signatureScheme)' is not supported; allowed: hmac-sha256")
        }
        for (name, port) in [("shell_port", file.shellPort), ("iopub_port", file.iopubPort), ("stdin_port", file.stdinPort),
                             ("control_port", file.controlPort), ("hb_port", file.hbPort)] where !(0...65535).contains(port) {
            throw KernelError("\(url.path): \(name) \(port) is not a port (0–65535)")
        }
        return file
    }

    /// The ZeroMQ endpoint of one port: `tcp://IP:PORT`, or `ipc://IP-PORT` (jupyter_client's ipc naming).
    public func endpoint(_ port: Int) -> String {
        transport == "ipc" ? "ipc://\(ip)-\(port)" : "tcp://\(ip):\(port)"
    }

    private static func describe(_ error: Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, _): return "'\(key.stringValue)' is missing"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            return "'\(context.codingPath.map(\.stringValue).joined(separator: "."))' has the wrong type"
        case DecodingError.dataCorrupted: return "the file is not valid JSON"
        default: return "\(error)"
        }
    }
}

/// A kernel problem with a message that says what was wrong and what is allowed.
public struct KernelError: Error, CustomStringConvertible {
    public let description: String
    public init(_ message: String) { description = message }
}
