import Foundation
import WBSupport
import XCTest
@testable import WBKernel

/// The wire format: signatures against a known HMAC-SHA256 value, a message's round trip, every reason a message is
/// dropped, and random frames that must never crash the parser or pass as signed.
final class KernelMessageTests: XCTestCase {
    /// The one JSON value type: nbformat's layout for `.ipynb` files (keys sorted, one space a level, verbatim text as it
    /// is) and Codable for the wire, where verbatim text is encoded as what it parses to.
    func testJSONValueWritesNbformatsLayoutAndVerbatimText() throws {
        let value: JSONValue = ["b": [1, "x\n"], "a": .object([:]), "c": .verbatim("{\"z\":[1,2]}"), "d": .array([]), "e": .bool(true)]
        XCTAssertEqual(value.nbformatText(), "{\n \"a\": {},\n \"b\": [\n  1,\n  \"x\\n\"\n ],\n \"c\": {\"z\":[1,2]},\n \"d\": [],\n \"e\": true\n}")
        let encoded = try JSONEncoder().encode(JSONValue.verbatim("{\"z\":[1,2]}"))
        XCTAssertEqual(JSONValue.parse(encoded), ["z": [1, 2]])
    }

    func testSignatureIsHMACSHA256InHex() {
        // RFC-style check value: HMAC-SHA256(key "key", "The quick brown fox jumps over the lazy dog").
        let signer = MessageSigner(key: "key")
        let message = Data("The quick brown fox jumps over the lazy dog".utf8)
        XCTAssertEqual(signer.signature([message]), "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8")
        // The frames are signed as one stream, in order.
        XCTAssertEqual(signer.signature([Data("The quick brown ".utf8), Data("fox jumps over the lazy dog".utf8)]),
                       signer.signature([message]))
        XCTAssertEqual(MessageSigner(key: "").signature([message]), "", "an empty key means no signing")
    }

    func testRoundTripAndReply() throws {
        let signer = MessageSigner(key: "secret")
        let header = KernelMessage.header(type: "execute_request", session: "s1")
        var message = KernelMessage(identities: [Data("peer".utf8)], header: header, parentHeader: [:],
                                    content: ["code": "info", "silent": false])
        message.buffers = [Data([0, 1, 2])]
        let parsed = try KernelMessage.parse(message.frames(signer: signer), signer: signer)
        XCTAssertEqual(parsed.type, "execute_request")
        XCTAssertEqual(parsed.identities, [Data("peer".utf8)])
        XCTAssertEqual(parsed.content["code"]?.string, "info")
        XCTAssertEqual(parsed.buffers, [Data([0, 1, 2])])
        XCTAssertEqual(parsed.header["version"]?.string, "5.3")
        XCTAssertEqual(parsed.header["session"]?.string, "s1")
        XCTAssertNotNil(parsed.header["date"]?.string.flatMap { ISO8601DateFormatter.withFractions.date(from: $0) })
    }

    func testEveryReasonToDropAMessage() {
        let signer = MessageSigner(key: "secret")
        func parse(_ frames: [Data]) -> KernelMessage.ParseError? {
            do { _ = try KernelMessage.parse(frames, signer: signer); return nil } catch { return error as? KernelMessage.ParseError }
        }
        let json = [Data(#"{"msg_type":"kernel_info_request","msg_id":"1"}"#.utf8), Data("{}".utf8), Data("{}".utf8), Data("{}".utf8)]
        let good = [KernelMessage.delimiter, Data(signer.signature(json).utf8)] + json
        XCTAssertNil(parse(good))
        XCTAssertEqual(parse(Array(good.dropFirst())), .noDelimiter)
        XCTAssertEqual(parse(Array(good.prefix(4))), .missingFrames(3))
        var wrong = good
        wrong[1] = Data(MessageSigner(key: "other").signature(json).utf8)
        XCTAssertEqual(parse(wrong), .badSignature)
        wrong[1] = Data(signer.signature(json).uppercased().utf8)
        XCTAssertEqual(parse(wrong), .badSignature, "hex digests compare exactly")
        var notJSON = json
        notJSON[2] = Data("[1,2]".utf8)
        XCTAssertEqual(parse([KernelMessage.delimiter, Data(signer.signature(notJSON).utf8)] + notJSON), .notJSON("metadata"))
        var noType = json
        noType[0] = Data(#"{"msg_id":"1"}"#.utf8)
        XCTAssertEqual(parse([KernelMessage.delimiter, Data(signer.signature(noType).utf8)] + noType), .noMessageType)
        XCTAssertEqual(KernelMessage.ParseError.badSignature.description, "bad signature")
    }

    /// 20,000 random multipart messages (random frames, real frames with one byte changed, frames dropped or repeated):
    /// the parser never crashes, and nothing whose signed frames changed passes.
    func testFuzzedFramesNeverCrashOrPassUnsigned() throws {
        let signer = MessageSigner(key: "fuzz-key")
        var generator = SystemRandomNumberGenerator()
        let json = [Data(#"{"msg_type":"execute_request","msg_id":"a","session":"s"}"#.utf8), Data("{}".utf8),
                    Data("{}".utf8), Data(#"{"code":"info"}"#.utf8)]
        let valid = [Data("id".utf8), KernelMessage.delimiter, Data(signer.signature(json).utf8)] + json
        var accepted = 0
        for _ in 0..<20_000 {
            var frames = valid
            switch Int.random(in: 0..<4, using: &generator) {
            case 0:
                frames = (0..<Int.random(in: 0...8, using: &generator)).map { _ in
                    Data((0..<Int.random(in: 0...40, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) })
                }
            case 1:
                let index = Int.random(in: 3..<frames.count, using: &generator)
                if frames[index].isEmpty { frames[index] = Data([0]) } else {
                    let at = Int.random(in: 0..<frames[index].count, using: &generator)
                    frames[index][frames[index].startIndex + at] ^= UInt8.random(in: 1...255, using: &generator)
                }
            case 2:
                frames.remove(at: Int.random(in: 0..<frames.count, using: &generator))
            default:
                frames.insert(frames.randomElement(using: &generator)!, at: Int.random(in: 0...frames.count, using: &generator))
            }
            if let message = try? KernelMessage.parse(frames, signer: signer) {
                accepted += 1
                XCTAssertEqual(message.content["code"]?.string, "info", "only the genuine signed frames may pass")
            }
        }
        XCTAssertGreaterThan(accepted, 0, "inserting a copy of an identity keeps the message valid; some must pass")
    }
}

extension ISO8601DateFormatter {
    /// A new formatter each time (a shared one is mutable state that Swift 6 will not share across threads).
    static var withFractions: ISO8601DateFormatter {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter
    }
}
