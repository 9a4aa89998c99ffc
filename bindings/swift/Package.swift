// swift-tools-version:5.9
//
// The Clientbook core for iOS apps. Run ./build-xcframework.sh (macOS + Xcode) first: it
// writes build/ClientbookFFI.xcframework and Sources/Clientbook/Generated/*.swift, which are
// build outputs and not in git.

import PackageDescription

let package = Package(
    name: "Clientbook",
    platforms: [.iOS(.v15)],
    products: [
        .library(name: "Clientbook", targets: ["Clientbook"]),
    ],
    targets: [
        // The Rust static library with its C headers and the `ClientbookFFI` module map.
        // A local path is for development; a release would use `url:` and `checksum:`.
        .binaryTarget(
            name: "ClientbookFFI",
            path: "build/ClientbookFFI.xcframework"
        ),
        // The uniffi-generated Swift API of both crates, compiled as one module so each
        // file sees the other's types.
        .target(
            name: "Clientbook",
            dependencies: ["ClientbookFFI"],
            path: "Sources/Clientbook/Generated"
        ),
    ]
)
