/// Why a safetensors file was refused. Each case names what was wrong; the reader never crashes on bad input.
public enum SafetensorsError: Error, Equatable, CustomStringConvertible {
    case tooSmall(size: Int)
    case headerTooLarge(size: UInt64)
    case headerOutOfBounds(headerSize: UInt64, fileSize: Int)
    case headerNotUTF8
    case headerNotJSON(String)
    case badEntry(tensor: String, reason: String)
    case unknownDType(tensor: String, dtype: String)
    case badMetadata(String)
    case offsets(tensor: String, reason: String)
    case byteCount(tensor: String, expected: Int, found: Int)
    case trailingBytes(expectedEnd: Int, fileSize: Int)
    case missingTensor(String)
    case wrongTensor(name: String, reason: String)

    public var description: String {
        switch self {
        case .tooSmall(let size): return "safetensors: the file has \(size) bytes; it needs at least 8 for the header length"
        case .headerTooLarge(let size): return "safetensors: the header claims \(size) bytes; at most 100,000,000 are allowed"
        case .headerOutOfBounds(let h, let f): return "safetensors: the header claims \(h) bytes but the file has only \(f) (truncated?)"
        case .headerNotUTF8: return "safetensors: the header is not valid UTF-8"
        case .headerNotJSON(let why): return "safetensors: the header is not a JSON object: \(why)"
        case .badEntry(let t, let why): return "safetensors: tensor '\(t)': \(why)"
        case .unknownDType(let t, let d): return "safetensors: tensor '\(t)' has unknown dtype '\(d)' (allowed: \(SafetensorsDType.allCases.map(\.rawValue).joined(separator: ", ")))"
        case .badMetadata(let why): return "safetensors: __metadata__ must map strings to strings: \(why)"
        case .offsets(let t, let why): return "safetensors: tensor '\(t)': data_offsets \(why)"
        case .byteCount(let t, let e, let f): return "safetensors: tensor '\(t)' needs \(e) bytes for its shape and dtype but its offsets span \(f)"
        case .trailingBytes(let e, let f): return "safetensors: the data should end at byte \(e) but the file has \(f) bytes (truncated or trailing data)"
        case .missingTensor(let t): return "safetensors: the file has no tensor '\(t)'"
        case .wrongTensor(let t, let why): return "safetensors: tensor '\(t)': \(why)"
        }
    }
}
