import Foundation

/// Plausible images for the demo's people and agencies, drawn here so that a first start needs no files: a seal (two
/// red rings around a star) and a handwritten-looking blue signature, both on a transparent background.
public enum DemoArtwork {
    /// A round red seal, `side` pixels across.
    public static func seal(side: Int = 480) -> Data {
        let centre = Double(side) / 2
        let star = starPolygon(centre: centre, outer: Double(side) * 0.16, inner: Double(side) * 0.065)
        return paint(width: side, height: side, color: (210, 25, 25)) { x, y in
            let distance = ((x - centre) * (x - centre) + (y - centre) * (y - centre)).squareRoot() / Double(side)
            return (0.455...0.49).contains(distance) || (0.325...0.34).contains(distance)
                || contains(star, x: x, y: y)
        }
    }

    /// A blue signature, a few strokes wide, `seed` making each person's differ.
    public static func signature(seed: Int, width: Int = 600, height: Int = 240) -> Data {
        let phase = Double(seed % 97) / 97 * .pi
        var points: [(Double, Double)] = []
        for step in 0...600 {
            let t = Double(step) / 600
            let x = Double(width) * (0.08 + 0.84 * t) + 28 * sin(t * 38 + phase)
            let y = Double(height) * (0.5 + 0.22 * sin(t * 9 + phase) * (1 - t)) + 30 * cos(t * 38 + phase)
            points.append((x, y))
        }
        // And the flourish under it.
        for step in 0...100 {
            let t = Double(step) / 100
            points.append((Double(width) * (0.85 - 0.7 * t), Double(height) * (0.78 + 0.05 * sin(t * .pi))))
        }
        // Each stroke marks the samples (two a pixel each way) near it: no pixel asks every stroke.
        let thickness = 3.2
        var marked = Set<Int>()
        for (start, end) in zip(points, points.dropFirst()) {
            let (low, high) = (min(start.1, end.1) - thickness, max(start.1, end.1) + thickness)
            let (left, right) = (min(start.0, end.0) - thickness, max(start.0, end.0) + thickness)
            for row in stride(from: max(0, Int(low * 2)), through: min(height * 2 - 1, Int(high * 2)), by: 1) {
                for column in stride(from: max(0, Int(left * 2)), through: min(width * 2 - 1, Int(right * 2)), by: 1)
                where distance((Double(column) + 0.5) / 2, (Double(row) + 0.5) / 2, start, end) <= thickness {
                    marked.insert(row * width * 2 + column)
                }
            }
        }
        return paint(width: width, height: height, color: (20, 40, 160)) { x, y in
            marked.contains(Int(y * 2) * width * 2 + Int(x * 2))
        }
    }

    /// A PNG of `color` wherever `inside` holds, anti-aliased by sampling each pixel four times.
    private static func paint(
        width: Int, height: Int, color: (UInt8, UInt8, UInt8), inside: (Double, Double) -> Bool
    ) -> Data {
        var rgba = [UInt8](repeating: 0, count: width * height * 4)
        for row in 0..<height {
            for column in 0..<width {
                let samples = [(0.25, 0.25), (0.75, 0.25), (0.25, 0.75), (0.75, 0.75)]
                let covered = samples.filter { inside(Double(column) + $0.0, Double(row) + $0.1) }.count
                guard covered > 0 else { continue }
                let pixel = (row * width + column) * 4
                rgba[pixel] = color.0
                rgba[pixel + 1] = color.1
                rgba[pixel + 2] = color.2
                rgba[pixel + 3] = UInt8(covered * 255 / samples.count)
            }
        }
        return PNGImage.encode(rgba: rgba, width: width, height: height)
    }

    private static func starPolygon(centre: Double, outer: Double, inner: Double) -> [(Double, Double)] {
        (0..<10).map { index in
            let angle = -Double.pi / 2 + Double(index) * .pi / 5
            let radius = index.isMultiple(of: 2) ? outer : inner
            return (centre + radius * cos(angle), centre + radius * sin(angle))
        }
    }

    /// Even-odd point-in-polygon.
    private static func contains(_ polygon: [(Double, Double)], x: Double, y: Double) -> Bool {
        var inside = false
        var previous = polygon[polygon.count - 1]
        for point in polygon {
            if (point.1 > y) != (previous.1 > y),
                x < (previous.0 - point.0) * (y - point.1) / (previous.1 - point.1) + point.0
            {
                inside.toggle()
            }
            previous = point
        }
        return inside
    }

    /// How far (`x`, `y`) is from the segment `start`–`end`.
    private static func distance(_ x: Double, _ y: Double, _ start: (Double, Double), _ end: (Double, Double)) -> Double
    {
        let (dx, dy) = (end.0 - start.0, end.1 - start.1)
        let length = dx * dx + dy * dy
        let t = length == 0 ? 0 : max(0, min(1, ((x - start.0) * dx + (y - start.1) * dy) / length))
        let (px, py) = (start.0 + t * dx - x, start.1 + t * dy - y)
        return (px * px + py * py).squareRoot()
    }
}
