import CCurl
import Dispatch
import Foundation

/// One request on its way: the libcurl easy handle, the buffers its callbacks fill, and the
/// result the calling thread waits for.
///
/// It is `@unchecked Sendable` because it crosses threads in a fixed hand-over: the calling
/// thread configures it, then only the client's I/O thread touches it until `complete` signals
/// the semaphore, after which only the calling thread reads `result`.
final class Transfer: @unchecked Sendable {
  /// The easy handle (a `CURL *`), owned by this object.
  let easy: UnsafeMutableRawPointer
  let target: TargetURL
  let configuration: HTTPClient.Configuration
  /// Where libcurl writes a one-line explanation of a failure (CURLOPT_ERRORBUFFER).
  let errorBuffer: UnsafeMutablePointer<CChar>
  private var headerList: UnsafeMutablePointer<curl_slist>?
  private var responseHeaders = HTTPHeaderLines()
  private var responseBody = Data()
  /// Set when the write callback refused a body longer than the limit.
  private(set) var bodyExceededLimit = false
  private var result: Result<HTTPResponse, HTTPError>?
  private let finished = DispatchSemaphore(value: 0)

  /// Checks the request and prepares an easy handle for it; nothing is sent yet.
  init(request: HTTPRequest, configuration: HTTPClient.Configuration) throws(HTTPError) {
    // TargetURL starts libcurl first, should this be the first request.
    let target = try TargetURL(request.url)
    try Self.validate(request, userAgent: configuration.userAgent, url: target.redacted)
    guard let easy = ccurl_easy_init() else {
      throw HTTPError(kind: .transport, url: target.redacted, message: "libcurl is out of memory")
    }
    self.easy = easy
    self.target = target
    self.configuration = configuration
    errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE))
    errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE))
    try configure(for: request)
  }

  deinit {
    // The easy handle goes first: it still points at the header list, URL and error buffer.
    ccurl_easy_cleanup(easy)
    ccurl_slist_free_all(headerList)
    errorBuffer.deallocate()
  }

  /// Waits for the I/O thread to finish the transfer and returns its outcome.
  func waitForResult() -> Result<HTTPResponse, HTTPError> {
    finished.wait()
    return result!
  }

  /// Called on the I/O thread once libcurl is done with the transfer, successfully or not.
  func complete(_ code: CURLcode) {
    if code == CURLE_OK {
      var status = 0
      _ = ccurl_easy_getinfo_long(easy, CURLINFO_RESPONSE_CODE, &status)
      result = .success(HTTPResponse(status: status, headers: responseHeaders.headers, body: responseBody))
    } else {
      result = .failure(failure(for: code))
    }
    finished.signal()
  }

  /// Ends the transfer with an error that did not come from libcurl's transfer itself.
  func fail(_ error: HTTPError) {
    result = .failure(error)
    finished.signal()
  }

  // MARK: Set-up

  private func configure(for request: HTTPRequest) throws(HTTPError) {
    let context = Unmanaged.passUnretained(self).toOpaque()
    try set(CURLOPT_ERRORBUFFER, pointer: errorBuffer)
    try set(CURLOPT_CURLU, pointer: UnsafeRawPointer(target.handle))
    // Anything other than http(s) (file://, gopher://...) is refused by libcurl itself too.
    try set(CURLOPT_PROTOCOLS_STR, string: "http,https")
    try set(CURLOPT_REDIR_PROTOCOLS_STR, string: "http,https")
    // A redirect could lead to plain http on another host; callers see 3xx and decide.
    try set(CURLOPT_FOLLOWLOCATION, 0)
    try set(CURLOPT_SSL_VERIFYPEER, 1)
    try set(CURLOPT_SSL_VERIFYHOST, 2)
    if let path = configuration.trustedCertificatesPath {
      try set(CURLOPT_CAINFO, string: path)
    }
    try set(CURLOPT_HTTP_VERSION, ccurl_http_version_2tls())
    // Signals (SIGALRM for DNS timeouts) are process-wide and unsafe with several threads.
    try set(CURLOPT_NOSIGNAL, 1)
    try set(CURLOPT_CONNECTTIMEOUT_MS, Self.milliseconds(configuration.connectTimeout))
    try set(CURLOPT_TIMEOUT_MS, Self.milliseconds(configuration.totalTimeout))
    try set(CURLOPT_USERAGENT, string: configuration.userAgent)
    // Refuses early when Content-Length announces too much; the write callback covers the rest.
    try check(
      ccurl_easy_setopt_off(easy, CURLOPT_MAXFILESIZE_LARGE, curl_off_t(configuration.maxResponseBytes)),
      "CURLOPT_MAXFILESIZE_LARGE")
    try check(
      ccurl_easy_setopt_data_callback(easy, CURLOPT_WRITEFUNCTION) { data, size, count, context in
        Unmanaged<Transfer>.fromOpaque(context!).takeUnretainedValue().receiveBody(data, size * count)
      },
      "CURLOPT_WRITEFUNCTION")
    try set(CURLOPT_WRITEDATA, pointer: context)
    try check(
      ccurl_easy_setopt_data_callback(easy, CURLOPT_HEADERFUNCTION) { data, size, count, context in
        Unmanaged<Transfer>.fromOpaque(context!).takeUnretainedValue().receiveHeader(data, size * count)
      },
      "CURLOPT_HEADERFUNCTION")
    try set(CURLOPT_HEADERDATA, pointer: context)
    try configureMethodAndBody(for: request)
    try configureHeaders(for: request)
  }

  private func configureMethodAndBody(for request: HTTPRequest) throws(HTTPError) {
    switch (request.method, request.body) {
    case ("GET", nil):
      try set(CURLOPT_HTTPGET, 1)
    case ("HEAD", nil):
      // Without NOBODY libcurl would wait for a body that a HEAD response never has.
      try set(CURLOPT_NOBODY, 1)
    case ("POST", nil):
      try setBody(Data())
    case (let method, nil):
      try set(CURLOPT_CUSTOMREQUEST, string: method)
    case (let method, let body?):
      try setBody(body)
      if method != "POST" {
        try set(CURLOPT_CUSTOMREQUEST, string: method)
      }
    }
  }

  /// Gives libcurl its own copy of the body (COPYPOSTFIELDS), so the request may be released
  /// while the transfer runs; the size goes first so binary bodies with NUL bytes survive.
  private func setBody(_ body: Data) throws(HTTPError) {
    try check(ccurl_easy_setopt_off(easy, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count)), "body size")
    let code = body.withUnsafeBytes { bytes in
      // An empty Data may have no address; libcurl still needs a valid pointer to copy from.
      ccurl_easy_setopt_pointer(
        easy, CURLOPT_COPYPOSTFIELDS, bytes.baseAddress ?? UnsafeRawPointer(errorBuffer))
    }
    try check(code, "CURLOPT_COPYPOSTFIELDS")
  }

  private func configureHeaders(for request: HTTPRequest) throws(HTTPError) {
    var lines = request.headers.map { header in
      // "Name:" would tell libcurl to drop the header; "Name;" sends it with an empty value.
      header.value.isEmpty ? "\(header.name);" : "\(header.name): \(header.value)"
    }
    if !request.headers.contains(where: { $0.name.lowercased() == "expect" }) {
      // libcurl would send "Expect: 100-continue" for larger bodies and wait a second for it.
      lines.append("Expect:")
    }
    for line in lines {
      guard let list = ccurl_slist_append(headerList, line) else {
        throw HTTPError(kind: .transport, url: target.redacted, message: "libcurl is out of memory")
      }
      headerList = list
    }
    try set(CURLOPT_HTTPHEADER, pointer: headerList.map { UnsafeRawPointer($0) })
  }

  private func set(_ option: CURLoption, _ value: Int) throws(HTTPError) {
    try check(ccurl_easy_setopt_long(easy, option, value), "option \(option.rawValue)")
  }

  private func set(_ option: CURLoption, pointer: UnsafeRawPointer?) throws(HTTPError) {
    try check(ccurl_easy_setopt_pointer(easy, option, pointer), "option \(option.rawValue)")
  }

  /// libcurl copies string options (all but POSTFIELDS), so a temporary C string is enough.
  private func set(_ option: CURLoption, string: String) throws(HTTPError) {
    let code = string.withCString { ccurl_easy_setopt_pointer(easy, option, $0) }
    try check(code, "option \(option.rawValue)")
  }

  private func check(_ code: CURLcode, _ what: String) throws(HTTPError) {
    guard code == CURLE_OK else {
      throw HTTPError(
        kind: .transport, url: target.redacted,
        message: "libcurl refused \(what): \(String(cString: ccurl_easy_strerror(code)))")
    }
  }

  /// libcurl reads 0 ms as "no timeout", so anything shorter than 1 ms is rounded up to 1 ms.
  static func milliseconds(_ duration: Duration) -> Int {
    let (seconds, attoseconds) = duration.components
    let total = seconds.multipliedReportingOverflow(by: 1000)
    guard !total.overflow else { return seconds < 0 ? 1 : Int.max }
    return max(1, Int(total.partialValue + attoseconds / 1_000_000_000_000_000))
  }

  // MARK: Callbacks (I/O thread)

  private func receiveBody(_ data: UnsafeMutablePointer<CChar>?, _ count: Int) -> Int {
    guard responseBody.count + count <= configuration.maxResponseBytes else {
      // Returning less than `count` makes libcurl abort with CURLE_WRITE_ERROR.
      bodyExceededLimit = true
      return 0
    }
    if let data, count > 0 {
      responseBody.append(UnsafeRawPointer(data).assumingMemoryBound(to: UInt8.self), count: count)
    }
    return count
  }

  private func receiveHeader(_ data: UnsafeMutablePointer<CChar>?, _ count: Int) -> Int {
    guard let data else { return count }
    responseHeaders.add(UnsafeRawBufferPointer(start: data, count: count))
    return count
  }
}
