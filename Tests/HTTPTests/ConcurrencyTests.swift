import Dispatch
import Foundation
import HTTP
import Locking
import Testing

@Suite("Concurrent sends", .serialized)
struct ConcurrencyTests {
  @Test("8 threads share one client and their requests overlap")
  func eightThreads() throws {
    let server = try TestServer("echo")
    let client = HTTPClient()
    let results = Locked<[Int: Result<HTTPResponse, HTTPError>]>([:])
    let group = DispatchGroup()
    let start = ContinuousClock.now
    for index in 0..<8 {
      group.enter()
      let url = server.url("/echo?delay=2&thread=\(index)")
      let thread = Thread {
        let result = Result { () throws(HTTPError) in
          try client.send(HTTPRequest(method: "POST", url: url, body: Data("body \(index)".utf8)))
        }
        results.withLock { $0[index] = result }
        group.leave()
      }
      thread.start()
    }
    #expect(group.wait(timeout: .now() + 30) == .success)
    let elapsed = ContinuousClock.now - start
    // One after another would take 16 s; together they take about 2 s, and a loaded machine
    // adds seconds, not a second request's worth each.
    #expect(elapsed < .seconds(10), "\(elapsed)")
    let collected = results.withLock { $0 }
    #expect(collected.count == 8)
    for (index, result) in collected {
      let echo = try Echo(result.get())
      #expect(echo.path == "/echo?delay=2&thread=\(index)")
      #expect(echo.bodyData == Data("body \(index)".utf8))
    }
  }

  @Test("a released client stops its I/O thread")
  func releasedClients() throws {
    let server = try TestServer("echo")
    // Other suites running meanwhile own clients of their own: only the threads that appear
    // with these 20 clients are theirs.
    let before = Self.ioThreads()
    var clients = (0..<20).map { _ in HTTPClient() }
    for client in clients {
      #expect(try client.send(HTTPRequest(method: "GET", url: server.url("/echo"))).status == 200)
    }
    let started = Self.ioThreads().subtracting(before)
    #expect(started.count >= 20)
    clients.removeAll()
    // Threads end asynchronously.
    let deadline = ContinuousClock.now + .seconds(30)
    while !Self.ioThreads().isDisjoint(with: started) && ContinuousClock.now < deadline {
      Thread.sleep(forTimeInterval: 0.05)
    }
    #expect(Self.ioThreads().isDisjoint(with: started), "\(Self.ioThreads().intersection(started))")
  }

  /// The ids of the live threads named like the client's I/O thread, read from /proc.
  static func ioThreads() -> Set<String> {
    let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")) ?? []
    return Set(
      tasks.filter { task in
        let name = try? String(contentsOfFile: "/proc/self/task/\(task)/comm", encoding: .utf8)
        return name?.trimmingCharacters(in: .whitespacesAndNewlines) == "HTTPClient I/O"
      })
  }
}
