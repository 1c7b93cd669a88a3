import Delivery
import Foundation
import HeraldCore
import Posts
import Social
import TestSupport
import Testing

/// Every network is whole: its keys, its profile, its client, its place in the credentials,
/// the preview, the dry run's redaction and the fuzz targets, all from its registry entry.
@Suite struct NetworkRegistryTests {
  static func configuration() throws -> HeraldConfiguration {
    var warnings: [Diagnostic] = []
    return try HeraldConfiguration.parse(
      "site:\n  title: T\n  url: https://openinfra.org\nstate: /nonexistent\n", path: "herald.yml",
      warnings: &warnings)
  }

  @Test(arguments: Network.allCases)
  func everyNetworkHasAnEntryWithItsKeysProfileAndClient(network: Network) throws {
    let configuration = try Self.configuration()
    let entry = NetworkRegistry.entry(network)
    #expect(entry.network == network)
    #expect(Set(entry.requiredKeys).isSubset(of: entry.keys), "required keys are keys")
    #expect(Set(entry.publicKeys).isSubset(of: entry.keys))
    let prefix = network.rawValue.uppercased()
    for key in entry.keys { #expect(Credentials.knownKeys.contains(prefix + "_" + key)) }
    let values = Dictionary(
      uniqueKeysWithValues: entry.keys.map { ($0, "https://\($0.lowercased()).example/x") })
    let client = entry.client(
      { values[$0] }, .init(configuration: configuration, name: nil, prefix: prefix))
    #expect(client.network == network)
    #expect(!client.account.isEmpty && !client.credentialKeys.isEmpty)
    #expect(entry.pictureUse(configuration) == client.pictureUse, "preview and delivery agree on pictures")
    let profile = entry.profile({ values[$0] }, configuration)
    #expect(profile.network == network)
    #expect(NetworkProfile.standard(for: network).network == network)
  }

  @Test(arguments: Network.allCases)
  func everySecretKeyIsScrubbedAndEveryPublicOneShown(network: Network) {
    let entry = NetworkRegistry.entry(network)
    let prefix = network.rawValue.uppercased()
    let values = Dictionary(
      uniqueKeysWithValues: entry.keys.map { (prefix + "_" + $0, "value-of-\($0)-xyz") })
    let secrets = Credentials(values).secrets
    for key in entry.keys {
      #expect(
        secrets.contains("value-of-\(key)-xyz") == !entry.publicKeys.contains(key), "\(network) \(key)")
    }
  }

  @Test func everyNetworkIsInThePreviewAndItsSyndicationKeyIsKnown() throws {
    let site = try TestSite()
    try site.post(
      "zuul.md", title: "Zuul 12 is out", date: "2025-06-01T10:00:00Z",
      extra: "syndication:\n"
        + Network.allCases.map { "  \($0.rawValue): {skip: true}" }.joined(separator: "\n"))
    let preview = try site.herald(
      ["preview", "--json", "--now", "2025-06-01T12:00:00Z"]
        + Network.allCases.flatMap { ["--network", $0.rawValue] })
    #expect(preview.status == 0, "\(preview.errors)")
    #expect(!preview.errors.contains("is not a network"), "\(preview.errors)")
    for network in Network.allCases {
      #expect(preview.output.contains("\"network\" : \"\(network.rawValue)\""), "\(network)")
      #expect(preview.output.contains("syndication.\(network.rawValue).skip"), "\(network)")
    }
  }
}

/// The executable parses, calls HeraldCore and prints: it imports no machinery module, so a
/// network's requests, the queue and the feed writer can change without touching it.
@Suite struct LayeringTests {
  @Test func theExecutableImportsOnlyHeraldCoreAndTheModelsItPrints() throws {
    let allowed: Set<String> = ["ArgumentParser", "Foundation", "HeraldCore", "Logging", "Posts", "Social"]
    let folder = SharedData.packageRoot.appendingPathComponent("Sources/herald")
    let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter {
      $0.hasSuffix(".swift")
    }
    #expect(!files.isEmpty)
    for file in files {
      let text = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
      for line in text.split(separator: "\n") {
        let words = line.split(separator: " ")
        guard let index = words.firstIndex(of: "import"), index + 1 < words.count,
          words[..<index].allSatisfy({ ["public", "internal", "@testable", "private"].contains($0) })
        else { continue }
        let module = String(words[index + 1])
        #expect(allowed.contains(module), "Sources/herald/\(file) imports \(module)")
      }
    }
  }
}
