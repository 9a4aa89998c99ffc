#!/usr/bin/env bash
# Generates the Swift bindings of clientbook-ffi and checks them. Runs on Linux and macOS; it
# is the part of the iOS build that CI can check without Xcode.
#
#   bindings/swift/generate.sh [OUT_DIR]          (default: target/swift-bindings)
#
# Without CLIENTBOOK_FFI_LIB it builds the host cdylib (debug) and generates from it. With
# CLIENTBOOK_FFI_LIB=path/to/libclientbook_ffi.{a,so,dylib} it generates from that library
# instead (build-xcframework.sh passes the iOS static library, so the Swift matches the
# binary it ships). Library-mode metadata is the same for every target.
#
# Writes, into OUT_DIR:
#   clientbook_core.swift, clientbook_ffi.swift        -> the package's `Clientbook` target
#   clientbook_coreFFI.h, clientbook_ffiFFI.h           -> the XCFramework's headers
#   clientbook_coreFFI.modulemap, clientbook_ffiFFI.modulemap (per crate, as uniffi writes them)
#   module.modulemap                                    -> one `ClientbookFFI` module, both headers
# and exits non-zero if a file is missing or empty or a key API name is absent, or if the
# hand-written Swift under ios/ fails check-swift.js (syntax, and calls against the bindings).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"

out="${1:-$root/target/swift-bindings}"
case "$out" in
  /*) ;;
  *) out="$PWD/$out" ;;
esac

fail() {
  echo "generate.sh: $*" >&2
  exit 1
}

cd "$root"

if [[ -n "${CLIENTBOOK_FFI_LIB:-}" ]]; then
  lib="$CLIENTBOOK_FFI_LIB"
  [[ -f "$lib" ]] || fail "CLIENTBOOK_FFI_LIB=$lib does not exist"
  echo "== cargo build --locked -p uniffi-bindgen"
  cargo build --locked -p uniffi-bindgen
else
  echo "== cargo build --locked -p clientbook-ffi -p uniffi-bindgen"
  cargo build --locked -p clientbook-ffi -p uniffi-bindgen
  case "$(uname -s)" in
    Darwin) lib="target/debug/libclientbook_ffi.dylib" ;;
    *) lib="target/debug/libclientbook_ffi.so" ;;
  esac
  [[ -f "$lib" ]] || fail "cargo did not produce $lib"
fi

bindgen="target/debug/uniffi-bindgen"
[[ -x "$bindgen" ]] || fail "cargo did not produce $bindgen"

echo "== uniffi-bindgen generate $lib --language swift --out-dir $out"
# Clear only what earlier runs wrote, never the directory itself (it may be one the caller
# owns), so a file that stops being generated cannot pass the checks below.
mkdir -p "$out"
rm -f "$out"/*.swift "$out"/*.h "$out"/*.modulemap
# --no-format: identical output with or without swift-format installed.
"$bindgen" generate "$lib" \
  --language swift \
  --no-format \
  --out-dir "$out"

# One C module for both crates' headers. Inside an XCFramework the file must be called
# module.modulemap; the per-crate ones uniffi wrote each declare `ClientbookFFI` with one
# header, so only this combined one may be shipped.
cat >"$out/module.modulemap" <<'MODULEMAP'
module ClientbookFFI {
    header "clientbook_coreFFI.h"
    header "clientbook_ffiFFI.h"
    export *
    use "Darwin"
    use "_Builtin_stdbool"
    use "_Builtin_stdint"
}
MODULEMAP

echo "== checking $out"
problems=0

expect_file() {
  if [[ ! -s "$out/$1" ]]; then
    echo "  MISSING or empty: $1" >&2
    problems=$((problems + 1))
  else
    printf '  ok  %-30s %8d bytes\n' "$1" "$(wc -c <"$out/$1")"
  fi
}

# expect_text FILE PATTERN WHAT: PATTERN is a POSIX extended regex (no \b: BSD grep on macOS).
expect_text() {
  if [[ -s "$out/$1" ]] && grep -Eq -- "$2" "$out/$1"; then
    printf '  ok  %-30s %s\n' "$1" "$3"
  else
    echo "  NOT FOUND in $1: $3" >&2
    problems=$((problems + 1))
  fi
}

for f in clientbook_ffi.swift clientbook_core.swift \
  clientbook_ffiFFI.h clientbook_coreFFI.h \
  clientbook_ffiFFI.modulemap clientbook_coreFFI.modulemap module.modulemap; do
  expect_file "$f"
done

expect_text clientbook_ffi.swift 'open class ImportSession:' 'class ImportSession'
expect_text clientbook_ffi.swift 'open class ExportSession:' 'class ExportSession'
expect_text clientbook_ffi.swift 'open class ClientDatabase:' 'class ClientDatabase'
expect_text clientbook_ffi.swift 'enum ClientbookError:' 'enum ClientbookError'
expect_text clientbook_ffi.swift 'protocol ImportProgress:' 'protocol ImportProgress'
expect_text clientbook_ffi.swift 'func contactsPermissionAdvice\(' 'func contactsPermissionAdvice'
expect_text clientbook_ffi.swift 'open class ImportScreen:' 'class ImportScreen'
expect_text clientbook_ffi.swift 'open class ExportScreen:' 'class ExportScreen'
expect_text clientbook_ffi.swift 'protocol ImportScreenObserver:' 'protocol ImportScreenObserver'
expect_text clientbook_ffi.swift 'protocol ExportScreenObserver:' 'protocol ExportScreenObserver'
expect_text clientbook_ffi.swift 'struct WrittenContact:' 'struct WrittenContact'
expect_text clientbook_ffi.swift '^import ClientbookFFI$' 'imports ClientbookFFI'
expect_text clientbook_core.swift 'struct PhonebookContact:' 'struct PhonebookContact'
expect_text clientbook_core.swift 'struct PreviewRow:' 'struct PreviewRow'
expect_text clientbook_core.swift 'enum ContactsPermission:' 'enum ContactsPermission'
expect_text clientbook_core.swift 'case iosLimited$' 'ContactsPermission.iosLimited'
expect_text clientbook_core.swift '^import ClientbookFFI$' 'imports ClientbookFFI'
expect_text clientbook_ffiFFI.h 'uniffi_clientbook_ffi_fn_constructor_importsession_new' 'ImportSession constructor symbol'
expect_text clientbook_coreFFI.h 'ffi_clientbook_core_uniffi_contract_version' 'core contract version symbol'

# A stray Clientbook.swift means a crate's module_name override stopped applying and the two
# crates are clobbering one file again.
for stray in Clientbook.swift ClientbookFFI.h; do
  if [[ -e "$out/$stray" ]]; then
    echo "  UNEXPECTED: $stray (see the crates' uniffi.toml)" >&2
    problems=$((problems + 1))
  fi
done

if ((problems > 0)); then
  fail "$problems problem(s) in the generated Swift bindings"
fi
echo "== Swift bindings OK in $out"

# The hand-written Swift under ios/: it parses, and every call into the core names a function,
# constructor, method or field the bindings above declare, with the same argument labels. No
# Swift compiler runs here, so this is what turns a renamed core function into a CI failure.
# The parser comes from npm (package-lock.json, no install scripts: see .npmrc).
command -v node >/dev/null || fail "node is required for the Swift source check (check-swift.js)"
if [[ ! -d "$here/node_modules/tree-sitter" || ! -d "$here/node_modules/tree-sitter-swift" ]]; then
  echo "== npm ci (tree-sitter, tree-sitter-swift)"
  (cd "$here" && npm ci --ignore-scripts --no-audit --no-fund >/dev/null) || fail "npm ci in $here failed"
fi
echo "== check-swift.js: ios/ against $out"
node "$here/check-swift.js" "$out" "$root/ios" || fail "the Swift under ios/ does not parse or does not match the generated API"
