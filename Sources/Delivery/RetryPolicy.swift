public import HTTP

/// What Herald does after a failure, for every network, decided here and nowhere else.
public enum RetryPolicy {
  /// What becomes of a job after a failure.
  public enum Decision: Sendable, Equatable {
    /// The network is unreachable or in trouble: the job backs off (until `give_up_after`)
    /// and the account's other jobs wait for the next run. `mayHaveReachedServer` freezes
    /// the job's request: it may have arrived.
    case network(mayHaveReachedServer: Bool)
    /// This job alone tries again later (the answer was about it: a 408, an unreadable success).
    case job(mayHaveReachedServer: Bool)
    /// The network refuses the post: it fails for good, with the server's message.
    case fail
    /// The credentials (or a setting) were refused: the account stops for the run and its
    /// jobs wait for the fix.
    case stopAccount
    /// Rate-limited: the account waits until the limit resets.
    case waitForLimit
  }

  /// A request that got no answer. Refused connections and unresolved names never reached
  /// the server; a timeout or a cut connection may have. A TLS failure may pass (a server's
  /// expired certificate is fixed by its operator) and is still never accepted unverified.
  /// A URL Herald cannot send to, or an answer over the size limit, will not change.
  public static func decision(for error: HTTPError) -> Decision {
    switch error.kind {
    case .resolve, .connect, .tls: .network(mayHaveReachedServer: false)
    case .timeout, .transport: .network(mayHaveReachedServer: true)
    case .invalidURL, .insecureURL, .invalidRequest, .tooLarge: .fail
    }
  }

  /// An answer that is no success: 401 and 403 refuse the credentials, 429 is a rate limit,
  /// 408 asks for this request again, 5xx is the server in trouble (the request may have been
  /// done), any other status refuses the post.
  public static func decision(forStatus status: Int) -> Decision {
    switch status {
    case 401, 403: .stopAccount
    case 429: .waitForLimit
    case 408: .job(mayHaveReachedServer: false)
    case 500...599: .network(mayHaveReachedServer: true)
    default: .fail
    }
  }
}
