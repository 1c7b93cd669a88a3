/// RFC 3492 Punycode encoding, enough to measure internationalised host names.
enum Punycode {
  private static let base = 36
  private static let tMin = 1
  private static let tMax = 26
  private static let skew = 38
  private static let damp = 700
  private static let initialBias = 72
  private static let initialN = 128

  /// The Punycode form of `input` (without the `xn--` prefix), or nil on overflow.
  static func encode(_ input: String) -> String? {
    let codePoints = input.unicodeScalars.map { Int($0.value) }
    var output = codePoints.filter { $0 < 0x80 }.map { Character(Unicode.Scalar(UInt8($0))) }
    let basicCount = output.count
    var handled = basicCount
    if basicCount > 0 { output.append("-") }

    var n = initialN
    var delta = 0
    var bias = initialBias
    while handled < codePoints.count {
      guard let m = codePoints.filter({ $0 >= n }).min() else { break }
      let (product, overflow) = (m - n).multipliedReportingOverflow(by: handled + 1)
      guard !overflow, delta <= Int(Int32.max) - product else { return nil }
      delta += product
      n = m
      for c in codePoints {
        if c < n {
          delta += 1
        } else if c == n {
          var q = delta
          var k = base
          while true {
            let t = k <= bias ? tMin : (k >= bias + tMax ? tMax : k - bias)
            if q < t { break }
            output.append(digit(t + (q - t) % (base - t)))
            q = (q - t) / (base - t)
            k += base
          }
          output.append(digit(q))
          bias = adapt(delta: delta, numPoints: handled + 1, firstTime: handled == basicCount)
          delta = 0
          handled += 1
        }
      }
      delta += 1
      n += 1
    }
    return String(output)
  }

  private static func digit(_ value: Int) -> Character {
    let scalar = value < 26 ? 0x61 + value : 0x30 + value - 26
    return Character(Unicode.Scalar(UInt8(scalar)))
  }

  private static func adapt(delta: Int, numPoints: Int, firstTime: Bool) -> Int {
    var delta = firstTime ? delta / damp : delta / 2
    delta += delta / numPoints
    var k = 0
    while delta > ((base - tMin) * tMax) / 2 {
      delta /= base - tMin
      k += base
    }
    return k + (base - tMin + 1) * delta / (delta + skew)
  }
}
