import XCTest
@testable import WBPlotting

final class TicksAndFormatTests: XCTestCase {
    func testLinearTicksUseOneTwoFiveSteps() {
        XCTAssertEqual(Ticks.linear(0, 40_000, target: 8), [0, 5000, 10000, 15000, 20000, 25000, 30000, 35000, 40000])
        XCTAssertEqual(Ticks.linear(0, 1, target: 5), [0, 0.2, 0.4, 0.6000000000000001, 0.8, 1])
        XCTAssertEqual(Ticks.linear(-3, 7, target: 5), [-2, 0, 2, 4, 6])
        for span in [0.013, 1.7, 37.0, 980.0, 123_456.0] {
            let step = Ticks.niceStep(span: span, target: 6)
            let mantissa = step / pow(10, floor(log10(step)))
            XCTAssertTrue([1, 2, 5].contains { abs($0 - mantissa) < 1e-9 }, "step \(step) for span \(span)")
        }
    }

    func testLogTicksArePowersOfTen() {
        XCTAssertEqual(Ticks.log(1e-7, 100, target: 10), [1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1, 10, 100].map { $0 })
        let thinned = Ticks.log(1e-7, 100, target: 5)
        XCTAssertTrue(thinned.count <= 6 && thinned.count >= 3)
        XCTAssertTrue(thinned.allSatisfy { abs(log10($0) - log10($0).rounded()) < 1e-9 })
        XCTAssertEqual(Ticks.log(2, 9, target: 5), [2, 5])  // within one decade: 1-2-5 multiples
    }

    func testLabels() {
        XCTAssertEqual(Ticks.logLabel(1e-3), "10⁻³")
        XCTAssertEqual(Ticks.logLabel(100), "10²")
        XCTAssertEqual(Ticks.linearLabels([0, 10000, 20000]), ["0", "10k", "20k"])
        XCTAssertEqual(Ticks.linearLabels([0, 0.25, 0.5]), ["0.00", "0.25", "0.50"])
        XCTAssertEqual(Ticks.linearLabels([0, 5, 10]), ["0", "5", "10"])
    }

    func testNumberFormatIsFixedAndLocaleFree() {
        XCTAssertEqual(NumberFormat.fixed(12.345, decimals: 1), "12.3")
        XCTAssertEqual(NumberFormat.fixed(-0.04, decimals: 1), "0")
        XCTAssertEqual(NumberFormat.fixed(-1.25, decimals: 2), "-1.25")
        XCTAssertEqual(NumberFormat.fixed(3, decimals: 2), "3")
        XCTAssertEqual(NumberFormat.fixed(3, decimals: 2, trim: false), "3.00")
        XCTAssertEqual(NumberFormat.fixed(.nan, decimals: 2), "0")
        XCTAssertEqual(NumberFormat.short(1.29974), "1.3")
        XCTAssertEqual(NumberFormat.short(0.000123), "1.23e-4")
    }

    func testAxisRangesFitDataAndMarks() {
        let p = Panel(x: Axis("x"), y: Axis("y", scale: .log), series: [Series("a", x: [0, 10], y: [2e-7, 4.7])],
                      marks: [.epochIndicator(x: 20, label: "")])
        let s = PanelScales(p)
        XCTAssertEqual(s.x.hi, 20)
        XCTAssertEqual(s.y.lo, 1e-7, accuracy: 1e-20)
        XCTAssertEqual(s.y.hi, 10, accuracy: 1e-12)
        XCTAssertNil(s.y.fraction(0), "zero is not drawable on a log axis")
        let bars = PanelScales(Panel(series: [Series("b", kind: .bars, x: [1, 2, 3], y: [1, 5, 2])]))
        XCTAssertEqual(bars.y.lo, 0, "bar charts start at zero")
        XCTAssertEqual(bars.x.lo, 0.5)
    }
}
