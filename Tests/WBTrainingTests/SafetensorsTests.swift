import XCTest
@testable import WBTraining

final class SafetensorsTests: XCTestCase {
    private func sample() -> SafetensorsFile {
        SafetensorsFile(tensors: ["w": SafetensorsTensor(floats: [1, 2, 3, 4, 5, 6], shape: [2, 3]),
                                  "idx": SafetensorsTensor(int64s: [7, 8], shape: [2]),
                                  "scalar": SafetensorsTensor(floats: [9], shape: [])],
                        metadata: ["epoch": "3", "note": "quote \" and \\ and ü"])
    }

    /// Builds a file from a header string and a data section, for hand-made damaged files.
    private func file(header: String, data: [UInt8] = []) -> Data {
        var out = Data()
        var n = UInt64(header.utf8.count).littleEndian
        withUnsafeBytes(of: &n) { out.append(contentsOf: $0) }
        out.append(contentsOf: Array(header.utf8))
        out.append(contentsOf: data)
        return out
    }

    func testRoundTripIsByteExact() throws {
        let bytes = sample().serialized()
        let parsed = try SafetensorsFile.parse(bytes)
        XCTAssertEqual(parsed, sample())
        XCTAssertEqual(parsed.serialized(), bytes)
        // Header padded with spaces to a multiple of 8; 8-byte tensors first.
        let headerSize = Int(bytes.prefix(8).withUnsafeBytes { $0.load(as: UInt64.self) })
        XCTAssertEqual(headerSize % 8, 0)
        XCTAssertEqual(try parsed.floats("w", shape: [2, 3]), [1, 2, 3, 4, 5, 6])
        XCTAssertEqual(parsed.tensors["idx"]?.integers(), [7, 8])
    }

    func testEmptyFileMatchesReference() {
        XCTAssertEqual(Array(SafetensorsFile().serialized()), [8, 0, 0, 0, 0, 0, 0, 0] + Array("{}      ".utf8))
    }

    func testRejectionsNameTheProblem() {
        let cases: [(Data, String)] = [
            (Data([1, 2, 3]), "needs at least 8"),
            (Data([0, 0, 0, 0, 0, 0, 0, 1]), "at most 100,000,000"),
            (file(header: "{}").prefix(9), "truncated"),
            (file(header: "[1,2]   "), "must start with '{'"),
            (file(header: "{\"a\":1 "), "not a JSON object"),
            (Data([2, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFE]), "not valid UTF-8"),
            (file(header: #"{"w":{"dtype":"Q7","shape":[1],"data_offsets":[0,4]}}"#, data: [0, 0, 0, 0]), "unknown dtype 'Q7'"),
            (file(header: #"{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}}"#, data: [0, 0, 0, 0]), "needs 8 bytes"),
            (file(header: #"{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"v":{"dtype":"F32","shape":[1],"data_offsets":[2,6]}}"#,
                  data: [UInt8](repeating: 0, count: 6)), "overlap"),
            (file(header: #"{"w":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#, data: [UInt8](repeating: 0, count: 8)), "gap"),
            (file(header: #"{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#, data: [0, 0, 0, 0, 0]), "trailing"),
            (file(header: #"{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#, data: [0, 0]), "truncated"),
            (file(header: #"{"w":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}"#, data: [0, 0, 0, 0]), "'shape' must be"),
            (file(header: #"{"w":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,4]}}"#, data: [0, 0, 0, 0]), "too large"),
            (file(header: #"{"w":{"dtype":"F32","shape":[1],"data_offsets":[0]}}"#), "two whole numbers"),
            (file(header: #"{"__metadata__":{"a":1}}"#), "'a' is not a string"),
            (file(header: #"{"w":[]}"#), "not an object"),
        ]
        for (bytes, expected) in cases {
            XCTAssertThrowsError(try SafetensorsFile.parse(bytes), expected) { error in
                XCTAssertTrue("\(error)".contains(expected), "expected '\(expected)' in: \(error)")
            }
        }
    }

    /// Thousands of mutated files (bit flips, byte rewrites, truncations, extensions, header-length edits) must each
    /// parse or throw a SafetensorsError; none may crash. 6,000 inputs.
    func testFuzzedFilesNeverCrash() throws {
        let base = try Data(contentsOf: Golden.folder.appendingPathComponent("init.safetensors"))
        let headerEnd = 8 + Int(base.prefix(8).withUnsafeBytes { $0.load(as: UInt64.self) })
        var rng = MersenneTwister(seed: 2024)
        var tried = 0, accepted = 0
        for round in 0..<6000 {
            var bytes = [UInt8](base)
            switch round % 6 {
            case 0: // flip bits in the header
                for _ in 0..<(1 + rng.randomBelow(4)) { bytes[rng.randomBelow(headerEnd)] ^= UInt8(1 << rng.randomBelow(8)) }
            case 1: // overwrite header bytes with JSON-ish characters
                let alphabet = Array("{}[]\",:0123456789-eE. \\u".utf8)
                for _ in 0..<(1 + rng.randomBelow(3)) { bytes[8 + rng.randomBelow(headerEnd - 8)] = alphabet[rng.randomBelow(alphabet.count)] }
            case 2: // truncate anywhere
                bytes = Array(bytes.prefix(rng.randomBelow(bytes.count)))
            case 3: // append junk
                bytes += (0..<(1 + rng.randomBelow(16))).map { _ in UInt8(rng.randomBelow(256)) }
            case 4: // corrupt the header length
                bytes[rng.randomBelow(8)] = UInt8(rng.randomBelow(256))
            default: // change a digit of the header to another digit (offsets, shapes)
                let digits = (8..<headerEnd).filter { bytes[$0] >= 48 && bytes[$0] <= 57 }
                let i = digits[rng.randomBelow(digits.count)]
                bytes[i] = UInt8(48 + rng.randomBelow(10))
            }
            tried += 1
            do {
                _ = try SafetensorsFile.parse(Data(bytes))
                accepted += 1
            } catch is SafetensorsError {
            } catch {
                XCTFail("unexpected error type \(type(of: error)): \(error)")
            }
        }
        XCTAssertEqual(tried, 6000)
        XCTAssertLessThan(accepted, tried / 2, "most mutations must be refused")
        print("safetensors fuzz: \(tried) mutated files tried, \(accepted) still valid, \(tried - accepted) refused with a message")
    }

    func testCheckpointRoundTripAndMetadata() throws {
        let layout = Golden.layout
        let initial = try Golden.initial()
        var opt = OptimizerState(count: layout.totalCount)
        opt.firstMoment[3] = 0.5; opt.secondMoment[7] = 0.25; opt.step = 12
        let checkpoint = Checkpoint(epoch: 12, parameters: initial.parameters, optimizer: opt)
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("wb-ckpt-\(UUID().uuidString).safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try checkpoint.write(to: url, layout: layout, config: Golden.config)
        let back = try Checkpoint.read(from: url, layout: layout)
        XCTAssertEqual(back.epoch, 12)
        XCTAssertEqual(back.parameters, initial.parameters)
        XCTAssertEqual(back.optimizer, opt)
        XCTAssertEqual(back.metadata["d_vocab_out"], "24")
        XCTAssertEqual(back.metadata["config_hash"], Golden.config.trajectoryHash)
        // The wrong shape is refused by name.
        XCTAssertThrowsError(try Checkpoint.read(from: url, layout: ParameterLayout(TrainingConfig().shape))) { error in
            XCTAssertTrue("\(error)".contains("embed.W_E': shape [24, 32], expected [114, 128]"), "\(error)")
        }
    }
}
