import WBTraining

/// Expands a spec into its points and checks every point's config before any work starts.
public enum SweepGrid {
    /// The points of `spec` over `base` (a template's config or the defaults), first axis slowest, seeds fastest.
    /// Points keep the AdamW moments in their newest checkpoint only (`moments=latest`), unless the spec says
    /// `moments=every`: a sweep's many runs would otherwise hold three times the disk.
    /// Throws the first point whose config is not allowed, naming the point, the key and the value.
    public static func make(spec: SweepSpec, base: TrainingConfig) throws -> [SweepPoint] {
        var base = base
        base.moments = .latest
        let count = spec.pointCount
        guard count <= SweepSpec.maximumPoints else { throw SweepError.tooManyPoints(limit: SweepSpec.maximumPoints) }
        let fixedConfig: TrainingConfig
        do { fixedConfig = try base.applying(spec.fixed) } catch {
            throw SweepError.spec(word: spec.fixed.joined(separator: " "), problem: "\(error)")
        }
        var points: [SweepPoint] = []
        points.reserveCapacity(count)
        // Each key's value checked once on its own first, so an error names the value, not a whole point.
        for axis in spec.axes {
            for value in axis.values {
                var probe = fixedConfig
                do {
                    try probe.set(axis.key, to: value)
                    try probe.validate()
                } catch let error as ConfigError {
                    if case .invalid(let key, _, _) = error, key != axis.key { continue }
                    throw SweepError.spec(word: "\(axis.typedKey)=\(value)", problem: "\(error)")
                }
            }
        }
        for index in 0..<count {
            var rest = index
            var chosen: [(SweepAxis, String)] = []
            for axis in spec.axes.reversed() {
                chosen.append((axis, axis.values[rest % axis.values.count]))
                rest /= axis.values.count
            }
            chosen.reverse()
            let name = chosen.isEmpty ? "point" : chosen.map { "\($0.0.label)=\($0.1)" }.joined(separator: ",")
            let assignments = spec.fixed + chosen.map { "\($0.0.key)=\($0.1)" }
            let config: TrainingConfig
            do { config = try base.applying(assignments + ["name=\(name)"]) } catch {
                throw SweepError.point(name: name, problem: "\(error)")
            }
            var values: [String: String] = [:]
            for (axis, value) in chosen { values[axis.key] = value }
            points.append(SweepPoint(index: index, name: name, values: values, assignments: assignments, config: config))
        }
        return points
    }
}
