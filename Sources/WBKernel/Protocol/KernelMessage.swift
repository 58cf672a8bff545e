import Foundation
import WBSupport

/// One message of the Jupyter messaging protocol (version 5.3) and its wire format: the routing identities, the
/// delimiter `<IDS|MSG>`, the HMAC signature, the four JSON frames (header, parent header, metadata, content), then
/// optional binary buffers.
public struct KernelMessage: Sendable {
    public static let protocolVersion = "5.3"
    static let delimiter = Data("<IDS|MSG>".utf8)

    /// ROUTER identities (sent back unchanged on replies), or the topic on iopub.
    public var identities: [Data]
    public var header: JSONValue
    public var parentHeader: JSONValue
    public var metadata: JSONValue
    public var content: JSONValue
    public var buffers: [Data] = []

    public var type: String { header["msg_type"]?.string ?? "" }
    public var id: String { header["msg_id"]?.string ?? "" }

    public init(identities: [Data], header: JSONValue, parentHeader: JSONValue, metadata: JSONValue = [:], content: JSONValue) {
        self.identities = identities; self.header = header; self.parentHeader = parentHeader
        self.metadata = metadata; self.content = content
    }

    /// Why a received multipart message was dropped.
    public enum ParseError: Error, Equatable, CustomStringConvertible {
        case noDelimiter, missingFrames(Int), badSignature, notJSON(String), noMessageType
        public var description: String {
            switch self {
            case .noDelimiter: return "no <IDS|MSG> delimiter"
            case .missingFrames(let n): return "\(n) frames after the delimiter; a message needs 5 (signature, header, parent header, metadata, content)"
            case .badSignature: return "bad signature"
            case .notJSON(let frame): return "the \(frame) frame is not a JSON object"
            case .noMessageType: return "the header has no msg_type"
            }
        }
    }

    /// Reads a received multipart message, checking its signature before anything else is parsed.
    public static func parse(_ frames: [Data], signer: MessageSigner) throws -> KernelMessage {
        guard let split = frames.firstIndex(of: delimiter) else { throw ParseError.noDelimiter }
        let rest = Array(frames[(split + 1)...])
        guard rest.count >= 5 else { throw ParseError.missingFrames(rest.count) }
        guard signer.isValid(rest[0], for: Array(rest[1...4])) else { throw ParseError.badSignature }
        var parts: [JSONValue] = []
        for (index, name) in ["header", "parent header", "metadata", "content"].enumerated() {
            guard let value = JSONValue.parse(rest[index + 1]), value.object != nil else { throw ParseError.notJSON(name) }
            parts.append(value)
        }
        guard let type = parts[0]["msg_type"]?.string, !type.isEmpty else { throw ParseError.noMessageType }
        var message = KernelMessage(identities: Array(frames[..<split]), header: parts[0], parentHeader: parts[1],
                                    metadata: parts[2], content: parts[3])
        message.buffers = Array(rest[5...])
        return message
    }

    /// The frames to send, signed.
    public func frames(signer: MessageSigner) -> [Data] {
        let json = [header.data, parentHeader.data, metadata.data, content.data]
        return identities + [Self.delimiter, Data(signer.signature(json).utf8)] + json + buffers
    }

    /// A new header of this kernel's session.
    public static func header(type: String, session: String) -> JSONValue {
        [
            "msg_id": .string(UUID().uuidString.lowercased()), "session": .string(session), "username": "wb",
            "date": .string(timestamp()), "msg_type": .string(type), "version": .string(protocolVersion),
        ]
    }

    /// ISO 8601 in UTC with microseconds, as Jupyter writes dates.
    static func timestamp(_ date: Date = Date()) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: date)
    }
}
