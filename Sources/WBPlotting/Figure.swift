/// A figure is data: axes, series, heatmaps and marks. Renderers turn it into SVG or terminal art.
public struct Figure: Sendable, Equatable {
    public var title: String
    public init(title: String) { self.title = title }
}
