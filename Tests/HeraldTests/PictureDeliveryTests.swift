import Foundation
import TestSupport
import Testing

/// Pictures on the networks, against servers that keep what they receive: Bluesky's card
/// thumbnail uploaded as a blob first (a step of the job), a bad picture named once and left
/// out while the post still goes, and a kill -9 between the upload and the record resuming at
/// the record.
@Suite(.serialized) struct PictureDeliveryTests {
  typealias Peer = BlueskyXDeliveryTests.Peer
  static let password = BlueskyXDeliveryTests.password

  /// A site whose `static/img` holds every kind of test image, with `credentials`, sending
  /// at once (`social` adds settings to the `social` block).
  func pictureSite(social: String = "", credentials: String) throws -> TestSite {
    let site = try TestSite(
      extraSite:
        "  static: static\nsocial:\n  announce_since: 2025-01-01T00:00:00Z\n  max_age: 7d\n  min_interval: 0s\n"
        + social + "http:\n  timeout: 10s")
    try TestImages.link(at: site.root.appendingPathComponent("static/img"))
    try site.folder.write("credentials", credentials)
    chmod(site.path("credentials"), 0o600)
    return site
  }

  func site(_ bluesky: Peer) throws -> TestSite {
    let site = try pictureSite(
      credentials:
        "BLUESKY_URL=\(bluesky.server.baseURL)\nBLUESKY_HANDLE=openinfra.test\nBLUESKY_APP_PASSWORD=\(Self.password)\n"
    )
    return site
  }

  func publish(_ site: TestSite, _ environment: [String: String] = [:]) throws -> ProgramResult {
    try site.herald(
      ["publish", "--credentials", "credentials", "--now", "2025-06-01T12:00:00Z"], environment: environment)
  }

  /// Two posts: the 30 MB photo with `alt`, and a picture that does not exist.
  func photoAndGone(_ site: TestSite, alt: String) throws {
    try site.post(
      "photo.md", title: "Photo", date: "2025-06-01T10:00:00Z",
      extra: "image: /img/photo.jpg\nimage_alt: \(alt)")
    try site.post("gone.md", title: "Gone", date: "2025-06-01T10:01:00Z", body: "![x](/img/gone.png)")
  }

  /// The records the server holds, by title.
  func records(_ bluesky: Peer) throws -> [String: [String: Any]] {
    let records = try bluesky.read()["records"] as? [String: [String: Any]] ?? [:]
    var byTitle: [String: [String: Any]] = [:]
    for record in records.values {
      let value = record["value"] as? [String: Any]
      let external = (value?["embed"] as? [String: Any])?["external"] as? [String: Any]
      byTitle[external?["title"] as? String ?? ""] = external
    }
    return byTitle
  }

  @Test func blueskyCardsCarryTheResizedPictureAndABadOneIsLeftOut() throws {
    let bluesky = try Peer("bluesky_server.py", ["--handle", "openinfra.test", "--password", Self.password])
    let site = try site(bluesky)
    try photoAndGone(site, alt: "A crowd at the summit")
    try site.post("svg.md", title: "SVG", date: "2025-06-01T10:02:00Z", extra: "image: /img/script.svg")
    try site.post("none.md", title: "None", date: "2025-06-01T10:03:00Z")

    let run = try publish(site)
    #expect(run.status == 0, "\(run.errors)")
    let cards = try records(bluesky)
    #expect(cards.count == 4)
    let thumb = try #require(cards["Photo"]?["thumb"] as? [String: Any], "\(cards)")
    #expect(thumb["mimeType"] as? String == "image/jpeg")
    #expect((thumb["size"] as? Int ?? .max) <= 1_000_000)
    for title in ["Gone", "SVG", "None"] { #expect(cards[title]?["thumb"] == nil, "\(title)") }
    #expect(try bluesky.read()["uploads"] as? Int == 1)
    // Each bad picture is named once, with its post.
    // Left out of the feeds too (site.static lets the build check them): one warning each.
    #expect(
      run.errors.contains(
        "posts/gone.md:6: warning: the image /img/gone.png is left out of the feeds, bluesky:"),
      "\(run.errors)")
    #expect(
      run.errors.contains(
        "posts/svg.md:4: warning: the image /img/script.svg is left out of the feeds, bluesky:"))
    #expect(run.errors.components(separatedBy: "warning:").count == 3, "\(run.errors)")
    // The variant is kept by digest in the state folder and is what was uploaded.
    let kept = try FileManager.default.contentsOfDirectory(atPath: site.path("state/images"))
    #expect(kept.count == 1 && kept[0].hasSuffix(".jpg"))
  }

  @Test(arguments: ["step-answered", "step-recorded"])
  func killedBetweenTheUploadAndTheRecordThePostGoesOnceWithItsPicture(step: String) throws {
    let bluesky = try Peer("bluesky_server.py", ["--handle", "openinfra.test", "--password", Self.password])
    let site = try site(bluesky)
    try site.post("card.md", title: "Card", date: "2025-06-01T10:00:00Z", extra: "image: /img/card.png")
    let killed = try publish(site, ["HERALD_CRASH_AT": step])
    #expect(killed.status == SIGKILL, "\(killed.errors)")
    #expect(try records(bluesky).isEmpty)
    let clean = try publish(site)
    #expect(clean.status == 0, "\(clean.errors)")
    let cards = try records(bluesky)
    #expect(cards.count == 1)
    #expect(cards["Card"]?["thumb"] != nil)
    // Once the blob was recorded, the resumed job writes the record with it: no second upload.
    #expect(try bluesky.read()["uploads"] as? Int == (step == "step-recorded" ? 1 : 2))
  }

  func linkedInSite(_ linkedin: Peer) throws -> TestSite {
    let site = try pictureSite(
      credentials:
        "LINKEDIN_URL=\(linkedin.server.baseURL)\nLINKEDIN_TOKEN=li-token-secret\nLINKEDIN_AUTHOR=urn:li:organization:42\n"
    )
    return site
  }

  @Test func linkedInArticlesCarryTheUploadedPictureAsTheirThumbnail() throws {
    let linkedin = try Peer(
      "linkedin_server.py", ["--token", "li-token-secret", "--author", "urn:li:organization:42"])
    let site = try linkedInSite(linkedin)
    try site.post(
      "photo.md", title: "Photo", date: "2025-06-01T10:00:00Z",
      extra: "image: /img/photo.jpg\nimage_alt: A crowd")
    try site.post("text.md", title: "Text", date: "2025-06-01T10:01:00Z", extra: "image: /img/text.png")
    let run = try publish(site)
    #expect(run.status == 0, "\(run.errors)")
    let state = try linkedin.read()
    let posts = try #require(state["posts"] as? [[String: Any]])
    #expect(posts.count == 2, "\(state["rejected"] ?? "")")
    var thumbnails: [String: String] = [:]
    for entry in posts {
      let article =
        ((entry["post"] as? [String: Any])?["content"] as? [String: Any])?["article"] as? [String: Any]
      thumbnails[article?["title"] as? String ?? ""] = article?["thumbnail"] as? String ?? "none"
      if article?["title"] as? String == "Photo" {
        #expect(article?["thumbnailAltText"] as? String == "A crowd")
      }
    }
    #expect(thumbnails["Photo"]?.hasPrefix("urn:li:image:") == true)
    #expect(thumbnails["Text"] == "none")
    let images = try #require(state["images"] as? [String: [String: Any]])
    #expect(images[thumbnails["Photo"] ?? ""]?["type"] as? String == "image/jpeg")
    #expect(
      run.errors.contains(
        "posts/text.md:4: warning: the image /img/text.png is left out of the feeds, linkedin:"),
      "\(run.errors)")
  }

  @Test(arguments: ["step-answered", "step-recorded", "step-answered#2"])
  func linkedInKilledDuringTheUploadPostsOnceWithItsPicture(step: String) throws {
    let linkedin = try Peer(
      "linkedin_server.py", ["--token", "li-token-secret", "--author", "urn:li:organization:42"])
    let site = try linkedInSite(linkedin)
    try site.post("card.md", title: "Card", date: "2025-06-01T10:00:00Z", extra: "image: /img/card.png")
    // Killed after initializeUpload was answered, after it was recorded, after the upload
    // was answered: each resumes the upload, and the post is made once.
    let killed = try publish(site, ["HERALD_CRASH_AT": step])
    #expect(killed.status == SIGKILL, "\(killed.errors)")
    let clean = try publish(site)
    #expect(clean.status == 0, "\(clean.errors)")
    let state = try linkedin.read()
    let posts = try #require(state["posts"] as? [[String: Any]])
    #expect(posts.count == 1, "\(state["rejected"] ?? "")")
    let article =
      ((posts.first?["post"] as? [String: Any])?["content"] as? [String: Any])?["article"] as? [String: Any]
    #expect((article?["thumbnail"] as? String)?.hasPrefix("urn:li:image:") == true)
  }

  @Test func threadsMakesAnImagePostOfAPictureItCanFetchAndATextPostOtherwise() throws {
    let threads = try Peer("threads_server.py", ["--token", "threads-token-1"])
    let site = try pictureSite(
      credentials:
        "THREADS_URL=\(threads.server.baseURL)\nTHREADS_USER_ID=1789\nTHREADS_TOKEN=threads-token-1\n")
    try site.post(
      "card.md", title: "Card", date: "2025-06-01T10:00:00Z", extra: "image: /img/card.png\nimage_alt: A card"
    )
    // 30 MB is more than Threads fetches: the post goes as text, with its link preview.
    try site.post("photo.md", title: "Photo", date: "2025-06-01T10:01:00Z", extra: "image: /img/photo.jpg")
    let run = try publish(site)
    #expect(run.status == 0, "\(run.errors)")
    let posts = try threads.read()["posts"] as? [[String: Any]] ?? []
    #expect(posts.count == 2)
    let card = try #require(posts.first { ($0["text"] as? String)?.contains("Card") == true })
    #expect(card["media_type"] as? String == "IMAGE")
    #expect(card["image_url"] as? String == "https://openinfra.org/img/card.png")
    #expect(card["alt_text"] as? String == "A card")
    let photo = try #require(posts.first { ($0["text"] as? String)?.contains("Photo") == true })
    #expect(photo["media_type"] as? String == "TEXT")
    #expect(photo["link_attachment"] as? String == "https://openinfra.org/blog/photo")
    #expect(
      run.errors.contains(
        "posts/photo.md: warning: the image /img/photo.jpg is left out of threads: it is JPEG"),
      "\(run.errors)")
  }

  @Test func mastodonAttachesThePictureWithItsAltTextWhenAsked() throws {
    let mastodon = try MastodonDeliveryTests.Mastodon()
    let site = try pictureSite(
      social: "  mastodon_attach_image: true\n",
      credentials: "MASTODON_URL=\(mastodon.server.baseURL)\nMASTODON_TOKEN=\(mastodon.token)\n")
    try site.post(
      "logo.md", title: "Logo", date: "2025-06-01T10:00:00Z",
      extra: "image: /img/logo.png\nimage_alt: Our logo")
    try site.post("plain.md", title: "Plain", date: "2025-06-01T10:01:00Z")
    let run = try publish(site)
    #expect(run.status == 0, "\(run.errors)")
    let body = try PeerHTTP.get(
      mastodon.server.baseURL + "/api/v1/accounts/\(mastodon.accountID)/statuses?limit=40",
      headers: ["Authorization: Bearer \(mastodon.token)"])
    let statuses = try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [[String: Any]] ?? []
    #expect(statuses.count == 2)
    let logo = try #require(statuses.first { ($0["content"] as? String)?.contains("Logo") == true })
    let media = try #require(logo["media_attachments"] as? [[String: Any]])
    #expect(media.count == 1)
    #expect(media.first?["type"] as? String == "image")
    #expect(media.first?["description"] as? String == "Our logo")
    let plain = try #require(statuses.first { ($0["content"] as? String)?.contains("Plain") == true })
    #expect((plain["media_attachments"] as? [Any])?.isEmpty == true)
  }

  @Test func xAttachesTheUploadedPictureWithItsAltTextWhenAsked() throws {
    let secrets = BlueskyXDeliveryTests.xSecrets
    let x = try Peer(
      "x_server.py",
      [
        "--consumer-key", "x-consumer-key", "--consumer-secret", secrets[0], "--token", "x-token",
        "--token-secret", secrets[1],
      ])
    let site = try pictureSite(
      social: "  x_attach_image: true\n",
      credentials:
        "X_URL=\(x.server.baseURL)\nX_CONSUMER_KEY=x-consumer-key\nX_CONSUMER_SECRET=\(secrets[0])\n"
        + "X_ACCESS_TOKEN=x-token\nX_ACCESS_TOKEN_SECRET=\(secrets[1])\n")
    try site.post(
      "photo.md", title: "Photo", date: "2025-06-01T10:00:00Z",
      extra: "image: /img/photo.jpg\nimage_alt: A crowd")
    let run = try publish(site)
    #expect(run.status == 0, "\(run.errors)")
    let state = try x.read()
    let tweets = try #require(state["tweets"] as? [[String: Any]])
    #expect(tweets.count == 1)
    let ids =
      ((tweets.first?["body"] as? [String: Any])?["media"] as? [String: Any])?["media_ids"] as? [String]
    let id = try #require(ids?.first)
    let media = try #require((state["media"] as? [String: [String: Any]])?[id])
    #expect(media["type"] as? String == "image/jpeg")
    #expect((media["size"] as? Int ?? .max) <= 5_000_000)
    #expect(media["alt_text"] as? String == "A crowd")
    for secret in secrets { #expect(!(run.output + run.errors).contains(secret)) }
  }

  @Test func previewNamesThePicturePerNetworkAndTheDryRunShowsTheUploadWithoutItsBytes() throws {
    let bluesky = try Peer("bluesky_server.py", ["--handle", "openinfra.test", "--password", Self.password])
    let site = try site(bluesky)
    try photoAndGone(site, alt: "A crowd")
    let preview = try site.herald(
      "preview", "--credentials", "credentials", "--now", "2025-06-01T12:00:00Z", "--network", "bluesky",
      "--network", "mastodon", "--network", "threads")
    #expect(preview.status == 0, "\(preview.errors)")
    let text = preview.output.replacingOccurrences(of: "\n│ ", with: " ")
    #expect(text.contains("image: /img/photo.jpg (JPEG, 6000 × 4000"), "\(preview.output)")
    #expect(text.contains("→ sent as JPEG, 2000 × 1333"))
    #expect(text.contains("alt “A crowd”"))
    #expect(text.contains("not attached: the server makes the link card from the page"))
    #expect(text.contains("image: /img/gone.png is left out"))
    #expect(text.contains("is left out: it is JPEG, 6000 × 4000"), "Threads fetches the original, too big")

    let json = try site.herald(
      "preview", "--json", "--credentials", "credentials", "--now", "2025-06-01T12:00:00Z", "photo")
    let document = try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [String: Any]
    let social = ((document?["posts"] as? [[String: Any]])?.first?["social"] as? [[String: Any]]) ?? []
    let blueskyEntry = social.first { $0["network"] as? String == "bluesky" }
    #expect((blueskyEntry?["image"] as? String)?.contains("sent as JPEG") == true)

    let dry = try site.herald(
      "publish", "--dry-run", "--credentials", "credentials", "--now", "2025-06-01T12:00:00Z")
    #expect(dry.status == 0, "\(dry.errors)")
    #expect(
      dry.output.contains("POST \(bluesky.server.baseURL)/xrpc/com.atproto.repo.uploadBlob"), "\(dry.output)")
    #expect(dry.output.range(of: #"\[\d+ bytes of image/jpeg\]"#, options: .regularExpression) != nil)
    #expect(
      dry.errors.contains("posts/gone.md: warning: the image /img/gone.png would be left out of bluesky:"),
      "\(dry.errors)")
    #expect(try bluesky.read()["uploads"] as? Int == 0, "a dry run sends nothing")
    #expect(!FileManager.default.fileExists(atPath: site.path("state/images")), "and keeps nothing")
  }

  @Test func theRealBlogsPicturesReachBlueskyAndLinkedInAndTheMissingOneIsNamedOnce() throws {
    let corpus = try #require(SharedData.corpus, "../shared is needed")
    let images = try #require(SharedData.folder?.appendingPathComponent("corpus/osf-static"))
    let bluesky = try Peer("bluesky_server.py", ["--handle", "openinfra.test", "--password", Self.password])
    let linkedin = try Peer(
      "linkedin_server.py", ["--token", "li-token-secret", "--author", "urn:li:organization:42"])
    let site = try TestSite(
      limit: 0,
      extraSite:
        "  static: \(images.path)\nsocial:\n  announce_since: 2020-01-01T00:00:00Z\n  max_age: 3650d\n"
        + "  max_per_run: 0\n  min_interval: 0s\nhttp:\n  timeout: 10s")
    try site.copyPosts(from: corpus)
    try site.folder.write(
      "credentials",
      "BLUESKY_URL=\(bluesky.server.baseURL)\nBLUESKY_HANDLE=openinfra.test\nBLUESKY_APP_PASSWORD=\(Self.password)\n"
        + "LINKEDIN_URL=\(linkedin.server.baseURL)\nLINKEDIN_TOKEN=li-token-secret\n"
        + "LINKEDIN_AUTHOR=urn:li:organization:42\n")
    chmod(site.path("credentials"), 0o600)
    let run = try site.herald(["publish", "--credentials", "credentials", "--now", "2026-11-25T00:00:00Z"])
    #expect(run.status == 0, "\(run.errors)")

    // Every post reached both networks; those with a picture that exists carry it.
    let posts = try FileManager.default.contentsOfDirectory(atPath: site.path("posts")).filter {
      $0.hasSuffix(".md")
    }
    let cards = try records(bluesky)
    let articles = (try linkedin.read()["posts"] as? [[String: Any]] ?? []).compactMap {
      ((($0["post"] as? [String: Any])?["content"] as? [String: Any])?["article"] as? [String: Any])
    }
    #expect(cards.count == posts.count && articles.count == posts.count)
    let thumbnails = cards.values.filter { $0["thumb"] != nil }.count
    #expect(thumbnails == articles.filter { $0["thumbnail"] != nil }.count)
    #expect(thumbnails >= 9, "\(thumbnails) of the real posts carry their picture")
    // The one picture missing on the real site is named once for its post, with both networks.
    let missing = run.errors.split(separator: "\n").filter { $0.contains("os_tc1.png") }
    #expect(missing.count == 1, "\(run.errors)")
    #expect(
      missing.first?.contains("the image /img/os_tc1.png is left out of the feeds, bluesky, linkedin:")
        == true)
  }

  @Test func anUploadThatFailedFreezesNothingSoTheEditedPostGoesOutWithItsPicture() throws {
    let bluesky = try Peer("bluesky_server.py", ["--handle", "openinfra.test", "--password", Self.password])
    let site = try site(bluesky)
    try site.post("card.md", title: "Card", date: "2025-06-01T10:00:00Z", extra: "image: /img/card.png")
    try bluesky.fault(#"{"path": "/xrpc/com.atproto.repo.uploadBlob", "status": 503, "times": 1}"#)
    let first = try publish(site)
    #expect(first.status == 0, "\(first.errors)")
    #expect(try records(bluesky).isEmpty)
    // Between the two cron runs the author fixes the title; the upload never made a post, so
    // the job is composed again from the edited post.
    try site.post(
      "card.md", title: "Card, corrected", date: "2025-06-01T10:00:00Z", extra: "image: /img/card.png")
    let second = try site.herald(["publish", "--credentials", "credentials", "--now", "2025-06-01T14:00:00Z"])
    #expect(second.status == 0, "\(second.errors)")
    let cards = try records(bluesky)
    #expect(cards.count == 1)
    #expect(cards["Card, corrected"]?["thumb"] != nil, "\(cards)")
  }
}
