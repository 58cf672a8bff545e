import Foundation

/// Any JSON value: the Jupyter protocol's free-form message contents (Codable, so Foundation reads and writes it) and the
/// cells of an `.ipynb` export (written by hand in nbformat's layout). Integers stay integers (`execution_count`,
/// ports), so they are written without a fraction.
public enum JSONValue: Codable, Equatable, Sendable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])
    /// JSON text already serialised and checked to be a document (a Vega-Lite spec), kept as it is: `nbformatText`
    /// writes it verbatim, and Codable encodes what it parses to. Reading JSON never gives this case.
    case verbatim(String)

    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null }
        else if let value = try? container.decode(Bool.self) { self = .bool(value) }
        else if let value = try? container.decode(Int.self) { self = .int(value) }
        else if let value = try? container.decode(Double.self) { self = .double(value) }
        else if let value = try? container.decode(String.self) { self = .string(value) }
        else if let value = try? container.decode([JSONValue].self) { self = .array(value) }
        else { self = .object(try container.decode([String: JSONValue].self)) }
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .int(let value): try container.encode(value)
        case .double(let value): try container.encode(value.isFinite ? value : 0)
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        case .verbatim(let text): try container.encode(JSONValue.parse(Data(text.utf8)) ?? .null)
        }
    }

    /// Parses one JSON document; nil when the bytes are not JSON.
    public static func parse(_ data: Data) -> JSONValue? {
        try? JSONDecoder().decode(JSONValue.self, from: data)
    }

    /// The value as compact JSON bytes.
    public var data: Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return (try? encoder.encode(self)) ?? Data("null".utf8)
    }

    public subscript(key: String) -> JSONValue? {
        if case .object(let object) = self { return object[key] }
        return nil
    }

    public var string: String? { if case .string(let s) = self { return s }; return nil }
    public var object: [String: JSONValue]? { if case .object(let o) = self { return o }; return nil }
    public var bool: Bool? { if case .bool(let b) = self { return b }; return nil }
    public var int: Int? {
        switch self {
        case .int(let i): return i
        case .double(let d) where d.rounded() == d && abs(d) < 1e15: return Int(d)
        default: return nil
        }
    }
}

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral {
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .int(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
}

extension JSONValue {
    /// The value in the layout Jupyter writes `.ipynb` files in (nbformat's `json.dumps(indent=1, sort_keys=True)`):
    /// one member or item a line, one more space of indentation a level, keys sorted, empty containers as `{}` and
    /// `[]`; strings through `JSONText.quoted`, `verbatim` text as it is. The same value always gives the same bytes.
    public func nbformatText(indent: Int = 0) -> String {
        var out = ""
        write(indent: indent, to: &out)
        return out
    }

    private func write(indent: Int, to out: inout String) {
        let pad = String(repeating: " ", count: indent + 1)
        let closePad = String(repeating: " ", count: indent)
        switch self {
        case .null: out += "null"
        case .bool(let value): out += value ? "true" : "false"
        case .int(let value): out += String(value)
        case .double(let value): out += value.isFinite ? "\(value)" : "null"
        case .string(let value): out += JSONText.quoted(value)
        case .verbatim(let text): out += text
        case .array(let items):
            if items.isEmpty { out += "[]"; return }
            out += "[\n"
            for (i, item) in items.enumerated() {
                out += pad
                item.write(indent: indent + 1, to: &out)
                out += i < items.count - 1 ? ",\n" : "\n"
            }
            out += closePad + "]"
        case .object(let members):
            if members.isEmpty { out += "{}"; return }
            out += "{\n"
            let sorted = members.sorted { $0.key < $1.key }
            for (i, (key, item)) in sorted.enumerated() {
                out += pad + JSONText.quoted(key) + ": "
                item.write(indent: indent + 1, to: &out)
                out += i < sorted.count - 1 ? ",\n" : "\n"
            }
            out += closePad + "}"
        }
    }
}
