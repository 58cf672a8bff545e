import Foundation

/// A set of epochs written as ranges and single epochs: `0..1000 step 100, 1000..40000 step 500` or `0, 250, 1500`.
///
/// Grammar (items separated by commas): `A..B step S` (A, A+S, … up to and including B when it falls on a step),
/// `A..B` (every epoch from A to B), or a single epoch `N`. Numbers accept `40k` and `1_000`.
public struct EpochSet: Sendable, Equatable, Codable, CustomStringConvertible {
    /// One item of the spec.
    public struct Item: Sendable, Equatable, Codable {
        public var start: Int
        public var end: Int
        public var step: Int
        public init(start: Int, end: Int, step: Int) { self.start = start; self.end = end; self.step = step }
    }

    public var items: [Item]

    public init(items: [Item]) { self.items = items }

    /// Parses a spec; errors name the bad item and the allowed forms.
    public static func parse(_ text: String) throws -> EpochSet {
        let pieces = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        guard !pieces.isEmpty, !pieces.contains(where: \.isEmpty) else {
            throw EpochSetError(item: text, reason: "an empty item")
        }
        return EpochSet(items: try pieces.map(parseItem))
    }

    private static func parseItem(_ piece: String) throws -> Item {
        let words = piece.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        if words.count == 1, !words[0].contains("..") {
            guard let epoch = NumberLiteral.integer(words[0]), epoch >= 0 else {
                throw EpochSetError(item: piece, reason: "not a non-negative whole number")
            }
            return Item(start: epoch, end: epoch, step: 1)
        }
        let bounds = words[0].components(separatedBy: "..")
        guard bounds.count == 2, let start = NumberLiteral.integer(bounds[0]), let end = NumberLiteral.integer(bounds[1]) else {
            throw EpochSetError(item: piece, reason: "expected A..B with whole numbers")
        }
        var step = 1
        if words.count == 3, words[1].lowercased() == "step" {
            guard let s = NumberLiteral.integer(words[2]), s >= 1 else {
                throw EpochSetError(item: piece, reason: "the step must be a whole number ≥ 1")
            }
            step = s
        } else if words.count != 1 {
            throw EpochSetError(item: piece, reason: "expected 'A..B step S'")
        }
        guard start >= 0, end >= start else {
            throw EpochSetError(item: piece, reason: "a range needs 0 ≤ A ≤ B")
        }
        return Item(start: start, end: end, step: step)
    }

    /// The epochs, sorted and without repeats; `limit` caps the count to guard against `0..10M` typos.
    public func epochs(limit: Int = 1_000_000) throws -> [Int] {
        var total = 0
        for item in items { total += (item.end - item.start) / item.step + 1 }
        guard total <= limit else {
            throw EpochSetError(item: description, reason: "it names \(total) epochs; at most \(limit) are allowed")
        }
        var result = Set<Int>()
        for item in items { for e in stride(from: item.start, through: item.end, by: item.step) { result.insert(e) } }
        return result.sorted()
    }

    public var description: String {
        items.map { item in
            if item.start == item.end { return "\(item.start)" }
            return item.step == 1 ? "\(item.start)..\(item.end)" : "\(item.start)..\(item.end) step \(item.step)"
        }.joined(separator: ", ")
    }
}

/// An epoch-set item that could not be read.
public struct EpochSetError: Error, Equatable, CustomStringConvertible {
    public let item: String
    public let reason: String
    public var description: String {
        "'\(item)': \(reason). Write ranges as 'A..B step S', single epochs as 'N', separated by commas (e.g. 0..1000 step 100, 1500)."
    }
}
