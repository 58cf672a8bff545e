/// A fixed-size, zero-initialised, 64-byte-aligned buffer with a stable pointer, for the model's activations and tables:
/// parallel workers write disjoint parts of it through `pointer` without borrowing an array for the whole region.
final class AlignedBuffer<Element> {
    let count: Int
    let pointer: UnsafeMutablePointer<Element>

    init(_ count: Int, zero: Element) {
        self.count = count
        let raw = UnsafeMutableRawPointer.allocate(byteCount: max(1, count) * MemoryLayout<Element>.stride, alignment: 64)
        pointer = raw.bindMemory(to: Element.self, capacity: max(1, count))
        pointer.initialize(repeating: zero, count: count)
    }

    convenience init(_ values: [Element], zero: Element) {
        self.init(values.count, zero: zero)
        values.withUnsafeBufferPointer { source in
            if let start = source.baseAddress { pointer.update(from: start, count: values.count) }
        }
    }

    deinit { UnsafeMutableRawPointer(pointer).deallocate() }

    /// A copy of the contents.
    var array: [Element] { Array(UnsafeBufferPointer(start: pointer, count: count)) }
}
