import Foundation
import WBSupport
import XCTest
@testable import WBPlotting

final class PNGTests: XCTestCase {
    func testChecksums() {
        XCTAssertEqual(PNGEncoder.crc32(Array("IEND".utf8)), 0xAE42_6082)
        XCTAssertEqual(PNGEncoder.adler32(Array("Wikipedia".utf8)), 0x11E6_0398)
    }

    func testCompressedStreamRoundTripsThroughPythonsZlib() throws {
        // Checked against Python's zlib when it is installed (the project's setup installs python3).
        let python = ["/usr/bin/python3", "/usr/local/bin/python3"].first { FileManager.default.isExecutableFile(atPath: $0) }
        guard let python else { throw XCTSkip("python3 not available to cross-check deflate") }
        var g = SplitMix64(seed: 5)
        var data: [UInt8] = []
        for row in 0..<60 {
            for col in 0..<200 { data.append(row % 3 == 0 ? UInt8(g.next() % 7) : UInt8((col / 4) % 251)) }
        }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("wb-deflate-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try Data(PNGEncoder.zlibCompressed(data)).write(to: dir.appendingPathComponent("z"))
        try Data(data).write(to: dir.appendingPathComponent("raw"))
        let p = Process()
        p.executableURL = URL(fileURLWithPath: python)
        p.arguments = ["-c", "import zlib,sys; d=sys.argv[1]; assert zlib.decompress(open(d+'/z','rb').read())==open(d+'/raw','rb').read()", dir.path]
        try p.run()
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0, "zlib could not inflate our stream to the original bytes")
        XCTAssertLessThan(PNGEncoder.zlibCompressed(data).count, data.count / 2, "repetitive data should compress")
    }

    func testPNGStructure() {
        let png = PNGEncoder.indexed(width: 3, height: 2, indices: [0, 1, 2, 2, 1, 255], palette: Palette.lookupTable(.viridis, levels: 255) + [RGB(0, 0, 0)],
                                     transparentIndex: 255)
        XCTAssertEqual(Array(png.prefix(8)), [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        let s = String(decoding: png, as: UTF8.self)
        for chunk in ["IHDR", "PLTE", "tRNS", "IDAT", "IEND"] { XCTAssertTrue(s.contains(chunk), chunk) }
        XCTAssertEqual(Array(png[16..<24]), [0, 0, 0, 3, 0, 0, 0, 2], "width 3, height 2")
    }
}
