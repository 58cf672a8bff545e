import Foundation
import WBSupport

/// Element types of the safetensors format, with their sizes in bytes.
public enum SafetensorsDType: String, CaseIterable, Sendable, Codable {
    case BOOL, U8, I8, F8_E5M2, F8_E4M3, I16, U16, F16, BF16, I32, U32, F32, F64, I64, U64
    public var size: Int {
        switch self {
        case .BOOL, .U8, .I8, .F8_E5M2, .F8_E4M3: return 1
        case .I16, .U16, .F16, .BF16: return 2
        case .I32, .U32, .F32: return 4
        case .F64, .I64, .U64: return 8
        }
    }
}

/// One tensor: dtype, shape and its little-endian, row-major bytes.
public struct SafetensorsTensor: Sendable, Equatable {
    public var dtype: SafetensorsDType
    public var shape: [Int]
    public var bytes: Data

    public init(dtype: SafetensorsDType, shape: [Int], bytes: Data) {
        self.dtype = dtype; self.shape = shape; self.bytes = bytes
    }

    public init(floats: [Float], shape: [Int]) {
        precondition(floats.count == shape.reduce(1, *))
        self.init(dtype: .F32, shape: shape, bytes: floats.withUnsafeBytes { Data($0) })
    }

    public init(int64s: [Int64], shape: [Int]) {
        precondition(int64s.count == shape.reduce(1, *))
        self.init(dtype: .I64, shape: shape, bytes: int64s.withUnsafeBytes { Data($0) })
    }

    public var elementCount: Int { shape.reduce(1, *) }

    /// The values as Float (F32 as is; F64 and F16 converted).
    public func floats() -> [Float]? {
        switch dtype {
        case .F32: return bytes.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
        case .F64: return bytes.withUnsafeBytes { $0.bindMemory(to: Double.self).map { Float($0) } }
        default: return nil
        }
    }

    /// The values as Int (I64, I32 and U8 accepted).
    public func integers() -> [Int]? {
        switch dtype {
        case .I64: return bytes.withUnsafeBytes { $0.bindMemory(to: Int64.self).map { Int($0) } }
        case .I32: return bytes.withUnsafeBytes { $0.bindMemory(to: Int32.self).map { Int($0) } }
        default: return nil
        }
    }
}

/// A safetensors file (https://github.com/huggingface/safetensors): an 8-byte little-endian header length N, N bytes of
/// JSON naming each tensor's dtype, shape and `data_offsets` (relative to the data section), then the data.
///
/// The reader checks what the reference implementation checks: the header length is sane (≤ 100 MB, inside the file),
/// UTF-8 JSON object, known dtypes, shape × dtype size equals the byte span, offsets contiguous from 0 with no gap or
/// overlap, and the last tensor ends exactly at the end of the file. The writer sorts tensors by dtype alignment then
/// name and pads the header with spaces to a multiple of 8, like the reference, so files round-trip byte for byte.
public struct SafetensorsFile: Sendable, Equatable {
    public var tensors: [String: SafetensorsTensor]
    public var metadata: [String: String]

    public init(tensors: [String: SafetensorsTensor] = [:], metadata: [String: String] = [:]) {
        self.tensors = tensors; self.metadata = metadata
    }

    public static let maxHeaderSize: UInt64 = 100_000_000

    public static func read(from url: URL) throws -> SafetensorsFile {
        try parse(Data(contentsOf: url, options: .mappedIfSafe))
    }

    /// The header's JSON object and its `__metadata__` (string values only); shared with `SafetensorsHeader.read`.
    static func decodeHeader(_ headerBytes: Data) throws -> (header: [String: Any], metadata: [String: String]) {
        let object: Any
        do { object = try JSONSerialization.jsonObject(with: headerBytes) } catch {
            throw SafetensorsError.headerNotJSON("\(error.localizedDescription)")
        }
        guard let header = object as? [String: Any] else { throw SafetensorsError.headerNotJSON("it is not an object") }
        var metadata: [String: String] = [:]
        if let raw = header["__metadata__"] {
            guard let dict = raw as? [String: Any] else { throw SafetensorsError.badMetadata("it is not an object") }
            for (key, value) in dict {
                guard let text = value as? String else { throw SafetensorsError.badMetadata("'\(key)' is not a string") }
                metadata[key] = text
            }
        }
        return (header, metadata)
    }

    /// The header's size: the file's first 8 bytes, little-endian.
    static func declaredHeaderSize(_ prefix: Data) -> UInt64 {
        prefix.prefix(8).enumerated().reduce(UInt64(0)) { $0 | (UInt64($1.element) << (8 * UInt64($1.offset))) }
    }

    public static func parse(_ data: Data) throws -> SafetensorsFile {
        let data = Data(data)   // re-base indices at 0
        guard data.count >= 8 else { throw SafetensorsError.tooSmall(size: data.count) }
        let headerSize = declaredHeaderSize(data)
        guard headerSize <= maxHeaderSize else { throw SafetensorsError.headerTooLarge(size: headerSize) }
        guard 8 + Int(headerSize) <= data.count else {
            throw SafetensorsError.headerOutOfBounds(headerSize: headerSize, fileSize: data.count)
        }
        let headerBytes = data.subdata(in: 8..<(8 + Int(headerSize)))
        guard String(data: headerBytes, encoding: .utf8) != nil else { throw SafetensorsError.headerNotUTF8 }
        guard headerBytes.first == UInt8(ascii: "{") else { throw SafetensorsError.headerNotJSON("it must start with '{'") }
        let (header, metadata) = try decodeHeader(headerBytes)
        struct Slot { let name: String; let dtype: SafetensorsDType; let shape: [Int]; let begin: Int; let end: Int }
        var slots: [Slot] = []
        for (name, raw) in header where name != "__metadata__" {
            guard let entry = raw as? [String: Any] else { throw SafetensorsError.badEntry(tensor: name, reason: "not an object") }
            guard let dtypeName = entry["dtype"] as? String else {
                throw SafetensorsError.badEntry(tensor: name, reason: "missing 'dtype'")
            }
            guard let dtype = SafetensorsDType(rawValue: dtypeName) else {
                throw SafetensorsError.unknownDType(tensor: name, dtype: dtypeName)
            }
            guard let shapeList = entry["shape"] as? [Any], let shape = integers(shapeList), shape.allSatisfy({ $0 >= 0 }) else {
                throw SafetensorsError.badEntry(tensor: name, reason: "'shape' must be a list of whole numbers ≥ 0")
            }
            guard let offsetList = entry["data_offsets"] as? [Any], let offsets = integers(offsetList), offsets.count == 2 else {
                throw SafetensorsError.offsets(tensor: name, reason: "must be two whole numbers [begin, end]")
            }
            guard offsets[0] >= 0, offsets[1] >= offsets[0] else {
                throw SafetensorsError.offsets(tensor: name, reason: "[\(offsets[0]), \(offsets[1])] must satisfy 0 ≤ begin ≤ end")
            }
            var elements = 1
            for dim in shape {
                let (product, overflow) = elements.multipliedReportingOverflow(by: dim)
                guard !overflow else { throw SafetensorsError.badEntry(tensor: name, reason: "shape \(shape) is too large") }
                elements = product
            }
            let (byteCount, overflow) = elements.multipliedReportingOverflow(by: dtype.size)
            guard !overflow else { throw SafetensorsError.badEntry(tensor: name, reason: "shape \(shape) is too large") }
            guard byteCount == offsets[1] - offsets[0] else {
                throw SafetensorsError.byteCount(tensor: name, expected: byteCount, found: offsets[1] - offsets[0])
            }
            slots.append(Slot(name: name, dtype: dtype, shape: shape, begin: offsets[0], end: offsets[1]))
        }
        slots.sort { ($0.begin, $0.end, $0.name) < ($1.begin, $1.end, $1.name) }
        var position = 0
        for slot in slots {
            guard slot.begin == position else {
                let why = slot.begin < position ? "overlap the previous tensor" : "leave a gap after byte \(position)"
                throw SafetensorsError.offsets(tensor: slot.name, reason: "[\(slot.begin), \(slot.end)] \(why)")
            }
            position = slot.end
        }
        let dataStart = 8 + Int(headerSize)
        let (expectedEnd, overflow) = dataStart.addingReportingOverflow(position)
        guard !overflow, expectedEnd == data.count else {
            throw SafetensorsError.trailingBytes(expectedEnd: overflow ? Int.max : expectedEnd, fileSize: data.count)
        }
        var tensors: [String: SafetensorsTensor] = [:]
        for slot in slots {
            tensors[slot.name] = SafetensorsTensor(dtype: slot.dtype, shape: slot.shape,
                                                   bytes: data.subdata(in: (dataStart + slot.begin)..<(dataStart + slot.end)))
        }
        return SafetensorsFile(tensors: tensors, metadata: metadata)
    }

    /// Whole numbers from a JSON list; nil when any element is not an exact integer (NSNumber bools included).
    private static func integers(_ list: [Any]) -> [Int]? {
        var result: [Int] = []
        for item in list {
            // JSON booleans arrive as NSNumber of ObjC type "c"; only numbers count.
            guard let number = item as? NSNumber, String(cString: number.objCType) != "c" else { return nil }
            let value = number.doubleValue
            guard value.isFinite, value == value.rounded(), abs(value) < 9e15 else { return nil }
            result.append(number.intValue)
        }
        return result
    }

    /// The file's bytes, laid out like the reference writer.
    public func serialized() -> Data {
        let order = tensors.keys.sorted { lhs, rhs in
            let a = tensors[lhs]!.dtype.size, b = tensors[rhs]!.dtype.size
            return a != b ? a > b : lhs < rhs
        }
        var offset = 0
        var parts: [String] = []
        if !metadata.isEmpty {
            let items = metadata.keys.sorted().map { "\(JSONText.quoted($0)):\(JSONText.quoted(metadata[$0]!))" }
            parts.append("\"__metadata__\":{\(items.joined(separator: ","))}")
        }
        for name in order {
            let t = tensors[name]!
            let end = offset + t.bytes.count
            parts.append("\(JSONText.quoted(name)):{\"dtype\":\"\(t.dtype.rawValue)\",\"shape\":[\(t.shape.map(String.init).joined(separator: ","))],\"data_offsets\":[\(offset),\(end)]}")
            offset = end
        }
        var header = Array("{\(parts.joined(separator: ","))}".utf8)
        while header.count % 8 != 0 { header.append(UInt8(ascii: " ")) }
        var out = Data(capacity: 8 + header.count + offset)
        var length = UInt64(header.count).littleEndian
        withUnsafeBytes(of: &length) { out.append(contentsOf: $0) }
        out.append(contentsOf: header)
        for name in order { out.append(tensors[name]!.bytes) }
        return out
    }

    /// Writes the file atomically.
    public func write(to url: URL) throws { try AtomicFile.write(serialized(), to: url) }

    /// A float tensor by name, checked against the expected shape.
    public func floats(_ name: String, shape: [Int]) throws -> [Float] {
        guard let tensor = tensors[name] else { throw SafetensorsError.missingTensor(name) }
        guard tensor.shape == shape else {
            throw SafetensorsError.wrongTensor(name: name, reason: "shape \(tensor.shape), expected \(shape)")
        }
        guard let values = tensor.floats() else {
            throw SafetensorsError.wrongTensor(name: name, reason: "dtype \(tensor.dtype.rawValue), expected F32 or F64")
        }
        return values
    }
}

