import Foundation

/// The header of a safetensors file alone: its tensor names and `__metadata__`, read without the tensor data (the first
/// 8 bytes and the JSON after them). Tells whether a checkpoint holds optimizer state without reading its megabytes.
/// It checks the header's form only; `SafetensorsFile.read` checks the whole file.
public struct SafetensorsHeader: Sendable, Equatable {
    public var tensorNames: Set<String>
    public var metadata: [String: String]

    public init(tensorNames: Set<String>, metadata: [String: String]) {
        self.tensorNames = tensorNames; self.metadata = metadata
    }

    public static func read(from url: URL) throws -> SafetensorsHeader {
        let handle = try FileHandle(forReadingFrom: url)
        defer { try? handle.close() }
        let prefix = try handle.read(upToCount: 8) ?? Data()
        guard prefix.count == 8 else { throw SafetensorsError.tooSmall(size: prefix.count) }
        let size = SafetensorsFile.declaredHeaderSize(prefix)
        guard size <= SafetensorsFile.maxHeaderSize else { throw SafetensorsError.headerTooLarge(size: size) }
        let bytes = try handle.read(upToCount: Int(size)) ?? Data()
        guard bytes.count == Int(size) else {
            throw SafetensorsError.headerOutOfBounds(headerSize: size, fileSize: 8 + bytes.count)
        }
        let (header, metadata) = try SafetensorsFile.decodeHeader(bytes)
        return SafetensorsHeader(tensorNames: Set(header.keys.filter { $0 != "__metadata__" }), metadata: metadata)
    }
}
