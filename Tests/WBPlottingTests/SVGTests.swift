import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import XCTest
@testable import WBPlotting
import WBSupport

/// Collects element names, attributes and text while parsing, and records parse errors.
private final class XMLCollector: NSObject, XMLParserDelegate {
    var elements: [(name: String, attributes: [String: String])] = []
    var text = ""
    var error: Error?
    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]) {
        elements.append((name, attributes))
    }
    func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }
    func parser(_ parser: XMLParser, parseErrorOccurred parseError: Error) { error = parseError }
}

private func parse(_ svg: String) -> XMLCollector? {
    let collector = XMLCollector()
    let parser = XMLParser(data: Data(svg.utf8))
    parser.delegate = collector
    return parser.parse() && collector.error == nil ? collector : nil
}

final class SVGTests: XCTestCase {
    static let hostile = "</svg><script>alert('x')</script> & \"quoted\" 'single' <b onload=\"x()\"> 🚀\u{1}\u{1B}[31m"

    func testEveryFigureIsValidXML() {
        for (name, f) in TestData.figures {
            let svg = SVGRenderer().render(f)
            let doc = parse(svg)
            XCTAssertNotNil(doc, "\(name) is not well-formed XML")
            XCTAssertEqual(doc?.elements.first?.name, "svg", name)
            XCTAssertNotNil(doc?.elements.first?.attributes["viewBox"], "\(name) has no viewBox")
        }
    }

    func testHostileTextIsEscapedEverywhere() {
        var run = TestData.run
        run.name = SVGTests.hostile
        var runs = TestData.runs
        runs[1].name = SVGTests.hostile
        var clusters = TestData.clusters
        clusters.neurons[0] = 7
        let figures: [Figure] = [
            .lossCurves(run, currentEpoch: 100, selection: TestData.selection),
            .runComparison(runs),
            Figure(title: SVGTests.hostile, id: SVGTests.hostile, panel: Panel(
                title: SVGTests.hostile, x: Axis(SVGTests.hostile, groups: [AxisGroup(start: 0, end: 1, label: SVGTests.hostile)]),
                y: Axis(SVGTests.hostile), series: [Series(SVGTests.hostile, x: [0, 1], y: [1, 2]), Series("b", x: [0, 1], y: [2, 1])],
                heatmap: Heatmap(rows: 1, columns: 2, values: [0, 1], colorScale: ColorScale(label: SVGTests.hostile)),
                marks: [.annotation(x: 0.5, y: 1.5, text: SVGTests.hostile), .epochIndicator(x: 0.5, label: SVGTests.hostile),
                        .phase(start: 0, end: 0.5, label: SVGTests.hostile), .referenceLine(y: 1.2, label: SVGTests.hostile)])),
        ]
        for f in figures {
            let svg = SVGRenderer().render(f)
            guard let doc = parse(svg) else { return XCTFail("not well-formed with hostile text") }
            XCTAssertFalse(svg.lowercased().contains("<script"))
            XCTAssertFalse(svg.contains("\u{1B}"), "escape character passed through")
            XCTAssertFalse(svg.contains("\u{1}"), "control character passed through")
            XCTAssertEqual(doc.elements.filter { $0.name == "svg" }.count, 1, "text broke out of the <svg> element")
            XCTAssertFalse(doc.elements.contains { $0.name == "script" || $0.name == "b" || $0.name == "foreignObject" })
            for e in doc.elements {
                for (k, v) in e.attributes {
                    XCTAssertFalse(k.lowercased().hasPrefix("on"), "event attribute \(k)")
                    if k.hasSuffix("href") { XCTAssertTrue(v.hasPrefix("data:image/png;base64,") || v.hasPrefix("#"), "external reference \(v)") }
                    if k == "id" { XCTAssertTrue(v.hasPrefix(doc.elements[0].attributes["id"]!), "id \(v) lacks the figure prefix") }
                }
            }
            // The text survives (unescaped by the parser) where it was drawn.
            XCTAssertTrue(doc.text.contains("</svg><script>alert('x')</script> & \"quoted\""), "hostile text not shown verbatim")
            XCTAssertTrue(doc.text.contains("🚀"))
        }
    }

    func testIdsArePrefixedAndStylesScoped() {
        let svg = SVGRenderer().render(TestData.figures[6].1)
        let doc = parse(svg)!
        let root = doc.elements[0].attributes["id"]!
        XCTAssertTrue(root.hasPrefix("wbf-"))
        let ids = doc.elements.compactMap { $0.attributes["id"] }
        XCTAssertGreaterThan(ids.count, 2)
        XCTAssertTrue(ids.allSatisfy { $0.hasPrefix(root) })
        // Every CSS rule is scoped by the figure id, and references point inside the figure.
        let style = svg.components(separatedBy: "<style>")[1].components(separatedBy: "</style>")[0]
        for rule in style.split(separator: "\n") where !rule.isEmpty { XCTAssertTrue(rule.hasPrefix("#\(root)"), String(rule)) }
        for ref in svg.components(separatedBy: "url(#").dropFirst() { XCTAssertTrue(ref.hasPrefix(root)) }
        XCTAssertTrue(svg.contains("currentColor"), "text and axes should follow the host's colour")
    }

    func testCallerIdIsUsedAndSanitized() {
        var f = TestData.figures[0].1
        f.id = "loss 1\"><x"
        let svg = SVGRenderer().render(f)
        XCTAssertTrue(svg.contains("id=\"loss1x\""))
        XCTAssertNotNil(parse(svg))
    }

    func testDeterministicAndContentDerivedIds() {
        for (_, f) in TestData.figures { XCTAssertEqual(SVGRenderer().render(f), SVGRenderer().render(f)) }
        let a = parse(SVGRenderer().render(TestData.figures[0].1))!.elements[0].attributes["id"]!
        let b = parse(SVGRenderer().render(TestData.figures[1].1))!.elements[0].attributes["id"]!
        XCTAssertNotEqual(a, b, "different figures must get different ids")
    }

    func testLongLossCurveStaysSmallAndKeepsSpike() {
        var run = SampleData.run(name: "long", count: 40_000)
        run.testLoss = Array(repeating: 1e-3, count: 40_000)
        run.testLoss[23_456] = 50  // a one-epoch spike
        let svg = SVGRenderer().render(.lossCurves(run, currentEpoch: 12_000, selection: SampleData.selection(last: 40_000, every: 100)))
        XCTAssertLessThanOrEqual(svg.utf8.count, 100_000, "40,000-point loss curve is \(svg.utf8.count) bytes")
        XCTAssertNotNil(parse(svg))
        // The test-loss path must reach the spike's height: find the smallest y coordinate in the dashed path.
        let path = svg.components(separatedBy: "class=\"s d\"").last!.components(separatedBy: "d=\"")[1].components(separatedBy: "\"")[0]
        let numbers = path.split(whereSeparator: { !"0123456789.-".contains($0) }).compactMap { Double($0) }
        let ys = stride(from: 1, to: numbers.count, by: 2).map { numbers[$0] }
        let layout = SVGPanelLayout(panel: Figure.lossCurves(run).panels[0], x0: 0, y0: 0, width: 760, height: 380, maxPlotHeight: 460)
        let plateau = ys.max()!
        XCTAssertLessThan(ys.min()!, plateau - layout.plot.h * 0.3, "the spike was smoothed away")
    }

    func testHeatmap113StaysSmallInEveryEncoding() {
        let f = Figure.neuronActivations([SampleData.neuron(5)])
        var g = SplitMix64(seed: 9)
        let noise = Figure(title: "noise", panel: Panel(heatmap: Heatmap(rows: 113, columns: 113, values: (0..<(113 * 113)).map { _ in g.uniform() }), aspect: 1))
        for fig in [f, noise] {
            let auto = SVGRenderer().render(fig)
            XCTAssertLessThanOrEqual(auto.utf8.count, 150_000, "\(fig.title): \(auto.utf8.count) bytes")
            XCTAssertNotNil(parse(auto))
            let png = SVGRenderer(options: SVGOptions(heatmapEncoding: .png)).render(fig)
            XCTAssertLessThanOrEqual(png.utf8.count, 150_000)
            XCTAssertTrue(png.contains("data:image/png;base64,"))
        }
        // Smooth data: vector cells also fit; auto never picks the larger of the two.
        let vector = SVGRenderer(options: SVGOptions(heatmapEncoding: .vector)).render(f)
        XCTAssertLessThanOrEqual(vector.utf8.count, 150_000)
        XCTAssertTrue(vector.contains("shape-rendering=\"crispEdges\""))
        let png = SVGRenderer(options: SVGOptions(heatmapEncoding: .png)).render(f)
        XCTAssertEqual(SVGRenderer().render(f).utf8.count, min(vector.utf8.count, png.utf8.count), accuracy: 2_000)
    }

    func testLegendIsOutsideThePlot() {
        for (name, f) in TestData.figures {
            for (i, panel) in f.panels.enumerated() {
                let L = SVGPanelLayout(panel: panel, x0: 0, y0: 0, width: 760, height: 380, maxPlotHeight: 460)
                for item in L.legend { XCTAssertLessThan(item.y, L.plot.y, "\(name) panel \(i): legend overlaps the plot") }
                if let cb = L.colorBarX { XCTAssertGreaterThan(cb, L.plot.right, "\(name): colour bar overlaps the plot") }
            }
        }
    }

    func testMultiRunLegendNamesEveryRun() {
        let svg = SVGRenderer().render(.runComparison(TestData.runs))
        for r in TestData.runs { XCTAssertTrue(svg.contains(">\(XMLEscape.escape(r.name))</text>"), r.name) }
    }
}
