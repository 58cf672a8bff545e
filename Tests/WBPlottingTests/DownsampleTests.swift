import XCTest
@testable import WBPlotting

final class DownsampleTests: XCTestCase {
    func testKeepsSpikeAndExtremaPerPixel() {
        let n = 40_000
        var y = (0..<n).map { 1.0 + 0.001 * Double($0 % 7) }
        y[12_345] = 100
        y[30_001] = -5
        let x = (0..<n).map(Double.init)
        let (dx, dy) = Downsample.minMax(x: x, y: y, xRange: 0...Double(n - 1), pixels: 600)
        XCTAssertLessThanOrEqual(dx.count, 4 * 601)
        XCTAssertTrue(dy.contains(100) && dy.contains(-5), "spikes must survive")
        XCTAssertEqual(dx.first, 0)
        XCTAssertEqual(dx.last, Double(n - 1))
        XCTAssertEqual(dx, dx.sorted(), "order is kept")
        // Within each pixel the kept min and max equal the true ones.
        let scale = 600 / Double(n - 1)
        var trueMax: [Int: Double] = [:], keptMax: [Int: Double] = [:]
        for i in 0..<n { trueMax[Int(x[i] * scale), default: -.infinity] = max(trueMax[Int(x[i] * scale), default: -.infinity], y[i]) }
        for i in 0..<dx.count { keptMax[Int(dx[i] * scale), default: -.infinity] = max(keptMax[Int(dx[i] * scale), default: -.infinity], dy[i]) }
        XCTAssertEqual(trueMax, keptMax)
    }

    func testShortSeriesUntouched() {
        XCTAssertEqual(Downsample.minMaxIndices(px: [0, 0.1, 0.2], y: [3, 1, 2]), [0, 1, 2])
    }
}
