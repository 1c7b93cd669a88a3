extension HTTPClient {
  /// Limits and identity applied to every request of one client.
  public struct Configuration: Sendable, Equatable {
    /// How long to wait for the connection, TLS handshake included.
    public var connectTimeout: Duration
    /// How long the whole transfer may take, from start to the last byte of the body.
    public var totalTimeout: Duration
    /// The longest response body accepted; a longer one fails with `.tooLarge`.
    public var maxResponseBytes: Int
    /// The `User-Agent` header sent unless a request sets its own.
    public var userAgent: String
    /// A PEM file of certificates to trust instead of the system's, or nil for the system's.
    ///
    /// Verification stays on either way; this is for a private CA, and for tests.
    public var trustedCertificatesPath: String?

    /// Makes a configuration; the defaults suit a job run from cron.
    public init(
      connectTimeout: Duration = .seconds(10),
      totalTimeout: Duration = .seconds(30),
      maxResponseBytes: Int = 1 << 20,
      userAgent: String = "Herald",
      trustedCertificatesPath: String? = nil
    ) {
      self.connectTimeout = connectTimeout
      self.totalTimeout = totalTimeout
      self.maxResponseBytes = maxResponseBytes
      self.userAgent = userAgent
      self.trustedCertificatesPath = trustedCertificatesPath
    }
  }
}
