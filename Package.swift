// swift-tools-version: 6.1
import PackageDescription

/// Every Swift target opts into the upcoming language features, so the code reads the same
/// whichever target a change lands in.
let swiftSettings: [SwiftSetting] = [
  .enableUpcomingFeature("ExistentialAny"),
  .enableUpcomingFeature("InternalImportsByDefault"),
  .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
  name: "herald",
  platforms: [.macOS(.v15)],
  products: [
    .executable(name: "herald", targets: ["herald"])
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
  ],
  targets: [
    // C at the edge: each system library has one module, imported by one Swift module only.
    .systemLibrary(
      name: "CLibXML2",
      pkgConfig: "libxml-2.0",
      providers: [.apt(["libxml2-dev"])]
    ),
    .systemLibrary(
      name: "CSQLite",
      pkgConfig: "sqlite3",
      providers: [.apt(["libsqlite3-dev"])]
    ),
    // SQL: what SQLite and PostgreSQL connections have in common, so the queue is written once.
    .target(
      name: "SQL",
      swiftSettings: swiftSettings
    ),
    // SQLite: one connection type for the queue and the build cache (the only CSQLite user).
    .target(
      name: "SQLite",
      dependencies: ["CSQLite", "SQL"],
      swiftSettings: swiftSettings
    ),
    // CPostgres: libpq loaded with dlopen at the first connection, not at start-up (its twenty
    // libraries would slow every run); its headers come from libpq-dev.
    .target(name: "CPostgres"),
    // Postgres: a libpq connection for state shared by runners on several hosts (the only
    // CPostgres user).
    .target(
      name: "Postgres",
      dependencies: ["CPostgres", "SQL"],
      swiftSettings: swiftSettings
    ),
    .systemLibrary(
      name: "CCmarkGFM",
      pkgConfig: "libcmark-gfm",
      providers: [.apt(["libcmark-gfm-dev", "libcmark-gfm-extensions-dev"])]
    ),

    // CBuildInfo: the commit a release was built from (`make release` defines it).
    .target(name: "CBuildInfo"),
    // Locking: a lock ThreadSanitizer can see, for the little state threads share.
    .target(
      name: "Locking",
      swiftSettings: swiftSettings
    ),
    // CivilDate: calendar dates to days and back, the one date algorithm.
    .target(
      name: "CivilDate",
      swiftSettings: swiftSettings
    ),
    // Files: the one atomic file writer (temporary file, fsync, rename).
    .target(
      name: "Files",
      swiftSettings: swiftSettings
    ),
    // CrashPoints: named steps where the fault tests kill Herald (HERALD_CRASH_AT).
    .target(
      name: "CrashPoints",
      dependencies: ["Locking"],
      swiftSettings: swiftSettings
    ),
    // Posts: Markdown files with front matter in, a validated post model out.
    .target(
      name: "Posts",
      dependencies: [
        "CCmarkGFM",
        "CivilDate",
        "Locking",
        .product(name: "Yams", package: "Yams"),
        .product(name: "Crypto", package: "swift-crypto"),
      ],
      swiftSettings: swiftSettings
    ),
    // Feeds: the post model in, Atom, RSS and JSON Feed files out (libxml2).
    .target(
      name: "Feeds",
      dependencies: ["Posts", "CLibXML2", "CrashPoints", "Files", "Locking"],
      swiftSettings: swiftSettings
    ),
    // Social: a post's parts in, each network's text out, counted the network's own way; the job
    // that carries such a text to its network, and what a delivery run did.
    .target(
      name: "Social",
      dependencies: ["Locking"],
      swiftSettings: swiftSettings
    ),
    // CCurl: libcurl loaded with dlopen when the first request is made, not at start-up (its
    // thirty libraries would slow every build); its headers come from libcurl4-openssl-dev.
    .target(name: "CCurl"),
    // HTTP: every request Herald sends, through libcurl on a thread of its own.
    .target(
      name: "HTTP",
      dependencies: ["CCurl", "Locking"],
      swiftSettings: swiftSettings
    ),
    // CVips: libvips loaded with dlopen when a picture is first read (its hundred libraries
    // would slow every cron tick). Its headers (libvips-dev) include GLib's, whose folders are
    // named here rather than through pkg-config, which would also link GLib into every start.
    .target(
      name: "CVips",
      cSettings: [
        .unsafeFlags([
          "-isystem", "/usr/include/glib-2.0",
          "-isystem", "/usr/lib/x86_64-linux-gnu/glib-2.0/include",
          "-isystem", "/usr/lib/aarch64-linux-gnu/glib-2.0/include",
        ])
      ]
    ),
    // Images: a post's picture read (static folder or https), probed and resized to each
    // network's limits through libvips (the only CVips user), variants cached by digest.
    .target(
      name: "Images",
      dependencies: ["CVips", "HTTP", "Files", .product(name: "Crypto", package: "swift-crypto")],
      swiftSettings: swiftSettings
    ),
    // OAuth1: RFC 5849 HMAC-SHA1 request signing, as X's API needs it.
    .target(
      name: "OAuth1",
      dependencies: [.product(name: "Crypto", package: "swift-crypto")],
      swiftSettings: swiftSettings
    ),
    // Delivery: the queue (SQLite) and the networks' requests and answers.
    .target(
      name: "Delivery",
      dependencies: [
        "SQL", "SQLite", "Postgres", "HTTP", "Images", "OAuth1", "Social", "CivilDate", "CrashPoints",
        "Files",
        "Locking",
        .product(name: "Logging", package: "swift-log"),
      ],
      swiftSettings: swiftSettings
    ),
    // HeraldCore: configuration, credentials and the commands' work, behind the executable.
    .target(
      name: "HeraldCore",
      dependencies: [
        "CBuildInfo",
        "SQL",
        "SQLite",
        "CrashPoints",
        "Locking",
        "Posts",
        "Feeds",
        "Social",
        "Delivery",
        "HTTP",
        "Images",
        "Files",
        .product(name: "Logging", package: "swift-log"),
        .product(name: "Yams", package: "Yams"),
      ],
      swiftSettings: swiftSettings
    ),
    // herald: parses arguments, calls HeraldCore, prints; the models it prints come from Posts
    // and Social, never from the machinery (Feeds, Delivery, HTTP).
    .executableTarget(
      name: "herald",
      dependencies: [
        "HeraldCore",
        "Posts",
        "Social",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
        .product(name: "Logging", package: "swift-log"),
      ],
      swiftSettings: swiftSettings
    ),

    // What every test target shares: temporary folders, the ../shared data, running programs.
    .target(
      name: "TestSupport",
      dependencies: ["Locking"],
      path: "Tests/TestSupport",
      swiftSettings: swiftSettings
    ),
    // Fuzz targets (`make fuzz`): libFuzzer entry points with -D FUZZING, else they replay the
    // files named on their command line (the regression corpus).
    .target(
      name: "FuzzSupport",
      swiftSettings: swiftSettings
    ),
    .executableTarget(
      name: "FuzzPosts",
      dependencies: ["FuzzSupport", "Posts", "Feeds"],
      swiftSettings: swiftSettings
    ),
    .executableTarget(
      name: "FuzzSocial",
      dependencies: ["FuzzSupport", "Social"],
      swiftSettings: swiftSettings
    ),
    .executableTarget(
      name: "FuzzCredentials",
      dependencies: ["FuzzSupport", "HeraldCore", "Posts"],
      swiftSettings: swiftSettings
    ),
    .executableTarget(
      name: "FuzzResponses",
      dependencies: ["FuzzSupport", "Delivery", "HTTP", "HeraldCore", "Posts", "Social"],
      swiftSettings: swiftSettings
    ),
    .testTarget(
      name: "PostsTests",
      dependencies: ["Posts", "TestSupport", "Locking"],
      swiftSettings: swiftSettings
    ),
    .testTarget(
      name: "FeedsTests",
      dependencies: ["Feeds", "Posts", "TestSupport"],
      resources: [.copy("Fixtures")],
      swiftSettings: swiftSettings
    ),
    .testTarget(
      name: "HTTPTests",
      dependencies: ["HTTP", "Locking"],
      resources: [.copy("Fixtures")],
      swiftSettings: swiftSettings
    ),
    .testTarget(
      name: "ImagesTests",
      dependencies: ["Images", "TestSupport"],
      swiftSettings: swiftSettings
    ),
    .testTarget(
      name: "OAuth1Tests",
      dependencies: ["OAuth1"],
      swiftSettings: swiftSettings
    ),
    .testTarget(
      name: "SocialTests",
      dependencies: [
        "Social",
        "TestSupport",
        .product(name: "Yams", package: "Yams"),
      ],
      swiftSettings: swiftSettings
    ),
    .testTarget(
      name: "HeraldTests",
      // Depending on the executable makes `swift test` build the binary the tests run.
      dependencies: [
        "herald", "FuzzPosts", "FuzzSocial", "FuzzCredentials", "FuzzResponses", "HeraldCore", "Delivery",
        "Posts", "Social", "HTTP",
        "Feeds", "TestSupport",
        .product(name: "Logging", package: "swift-log"),
      ],
      resources: [.copy("Fixtures")],
      swiftSettings: swiftSettings
    ),
  ],
  swiftLanguageModes: [.v6]
)
