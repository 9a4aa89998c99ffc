#!/usr/bin/env bash
# Builds ClientbookFFI.xcframework (the Rust core as a static library for iOS devices and
# simulators) and the Swift sources of the `Clientbook` package. Needs macOS with Xcode;
# generate.sh is the part that runs anywhere.
#
#   bindings/swift/build-xcframework.sh
#
# Writes (both gitignored):
#   bindings/swift/build/ClientbookFFI.xcframework
#   bindings/swift/Sources/Clientbook/Generated/*.swift
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"

fail() {
  echo "build-xcframework.sh: $*" >&2
  exit 1
}

[[ "$(uname -s)" == "Darwin" ]] ||
  fail "needs macOS with Xcode (xcodebuild, lipo). On $(uname -s), run bindings/swift/generate.sh to generate and check the Swift sources."
for tool in xcodebuild lipo xcrun cargo rustup; do
  command -v "$tool" >/dev/null || fail "'$tool' not found; install Xcode (and its command line tools) and rustup"
done
xcrun --sdk iphoneos --show-sdk-path >/dev/null 2>&1 ||
  fail "the iOS SDK is missing; install Xcode (not only the Command Line Tools) and run 'sudo xcode-select -s /Applications/Xcode.app'"

device_target="aarch64-apple-ios"
sim_targets=(aarch64-apple-ios-sim x86_64-apple-ios)
installed="$(rustup target list --installed)"
for t in "$device_target" "${sim_targets[@]}"; do
  grep -qx "$t" <<<"$installed" ||
    fail "Rust target $t is not installed; run: rustup target add $device_target ${sim_targets[*]}"
done

# Matches Package.swift's `.iOS(.v15)`, so the linker does not warn about newer objects.
export IPHONEOS_DEPLOYMENT_TARGET=15.0

cd "$root"
# The release profile keeps panic = "unwind" (workspace Cargo.toml), so a Rust panic reaches
# Swift as an error instead of aborting the app.
for t in "$device_target" "${sim_targets[@]}"; do
  echo "== cargo build -p clientbook-ffi --lib --profile release --target $t"
  cargo build -p clientbook-ffi --lib --profile release --target "$t" --locked
done

lib_name="libclientbook_ffi.a"
device_lib="target/$device_target/release/$lib_name"
build="$here/build"
staging="$build/staging"
generated="$staging/generated"
headers="$staging/headers"
rm -rf "$staging" "$build/ClientbookFFI.xcframework"
mkdir -p "$headers/ClientbookFFI" "$staging/ios-simulator"

# Swift, headers and modulemap from the library being shipped, through the same checks CI runs.
CLIENTBOOK_FFI_LIB="$device_lib" "$here/generate.sh" "$generated"

# Headers under Headers/ClientbookFFI/ so they cannot clash with another uniffi library's
# headers in the same app; clang finds <dir>/ClientbookFFI/module.modulemap on `import ClientbookFFI`.
cp "$generated/clientbook_coreFFI.h" "$generated/clientbook_ffiFFI.h" "$generated/module.modulemap" \
  "$headers/ClientbookFFI/"

echo "== lipo: one simulator library for arm64 and x86_64"
sim_libs=()
for t in "${sim_targets[@]}"; do
  sim_libs+=("target/$t/release/$lib_name")
done
lipo -create "${sim_libs[@]}" -output "$staging/ios-simulator/$lib_name"

echo "== xcodebuild -create-xcframework"
xcodebuild -create-xcframework \
  -library "$device_lib" -headers "$headers" \
  -library "$staging/ios-simulator/$lib_name" -headers "$headers" \
  -output "$build/ClientbookFFI.xcframework"

swift_out="$here/Sources/Clientbook/Generated"
rm -rf "$swift_out"
mkdir -p "$swift_out"
cp "$generated/clientbook_core.swift" "$generated/clientbook_ffi.swift" "$swift_out/"

echo "== done"
echo "   $build/ClientbookFFI.xcframework"
echo "   $swift_out/{clientbook_core,clientbook_ffi}.swift"
