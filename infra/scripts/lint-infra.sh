#!/usr/bin/env bash
# Compiles and lints infra/main.bicep with the real Bicep compiler, then checks the compiled ARM JSON's security
# properties (infra/scripts/check-arm.ts). Fails on any compiler or linter warning or error.
#
# The compiler comes from the NuGet package Azure.Bicep.CommandLine.linux-x64, restored with the .NET SDK into the
# git-ignored infra/.bicep/ (reused when present, so later runs take seconds).
#   BICEP_VERSION  package version to use (default below)
#   BICEP          path of a bicep binary to use instead of restoring one
#   BICEP_CACHE_DIR  where to restore the package and write the compiled template (default infra/.bicep)
set -euo pipefail

cd "$(dirname "$0")/../.."
BICEP_VERSION="${BICEP_VERSION:-0.49.2}"
PACKAGE_ID="Azure.Bicep.CommandLine.linux-x64"
CACHE_DIR="${BICEP_CACHE_DIR:-infra/.bicep}"
PACKAGES_DIR="$CACHE_DIR/packages"
OUT_DIR="$CACHE_DIR/out"

log() { echo "lint:infra: $*"; }
fail() {
  echo "lint:infra: $*" >&2
  exit 1
}

how_to_get_bicep() {
  cat >&2 <<MSG
lint:infra: cannot get the Bicep compiler: $1
  Either install the .NET SDK (https://learn.microsoft.com/dotnet/core/install/linux) so this script can restore
  the NuGet package $PACKAGE_ID $BICEP_VERSION into $CACHE_DIR/, or install the Bicep CLI yourself
  (https://learn.microsoft.com/azure/azure-resource-manager/bicep/install, e.g. 'az bicep install') and run
  BICEP=/path/to/bicep npm run lint:infra
MSG
  exit 2
}

restore_bicep() {
  [ "$(uname -s)" = "Linux" ] && [ "$(uname -m)" = "x86_64" ] ||
    how_to_get_bicep "the NuGet package only holds a linux-x64 binary; this machine is $(uname -s) $(uname -m)."
  command -v dotnet >/dev/null 2>&1 || how_to_get_bicep "the .NET SDK ('dotnet') is not installed."
  local sdk major project_dir
  sdk="$(dotnet --version 2>/dev/null)" || how_to_get_bicep "'dotnet --version' failed (no .NET SDK, only a runtime?)."
  major="${sdk%%.*}"
  project_dir="$CACHE_DIR/restore"
  mkdir -p "$project_dir"
  # A throw-away project whose only job is to download the package (PackageDownload: no assets, no dependencies).
  cat >"$project_dir/bicep-cli.csproj" <<XML
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <TargetFramework>net$major.0</TargetFramework>
    <DisableImplicitFrameworkReferences>true</DisableImplicitFrameworkReferences>
  </PropertyGroup>
  <ItemGroup>
    <PackageDownload Include="$PACKAGE_ID" Version="[$BICEP_VERSION]" />
  </ItemGroup>
</Project>
XML
  log "restoring $PACKAGE_ID $BICEP_VERSION with the .NET SDK $sdk into $PACKAGES_DIR"
  if ! dotnet restore "$project_dir/bicep-cli.csproj" --packages "$PACKAGES_DIR" --nologo --verbosity quiet; then
    fail "dotnet restore of $PACKAGE_ID $BICEP_VERSION failed (is a NuGet source reachable? see 'dotnet nuget list source')."
  fi
}

if [ -n "${BICEP:-}" ]; then
  [ -x "$BICEP" ] || fail "BICEP=$BICEP is not an executable file."
else
  BICEP="$PACKAGES_DIR/$(echo "$PACKAGE_ID" | tr '[:upper:]' '[:lower:]')/$BICEP_VERSION/tools/bicep"
  if [ ! -f "$BICEP" ]; then
    restore_bicep
    [ -f "$BICEP" ] || fail "the restore finished but $BICEP is missing."
  fi
  [ -x "$BICEP" ] || chmod +x "$BICEP"
fi
log "$("$BICEP" --version)"

rm -rf "$OUT_DIR"
mkdir -p "$OUT_DIR"
diagnostics="$OUT_DIR/diagnostics.txt"
: >"$diagnostics"

# Build (bicep writes diagnostics to stderr and exits non-zero on errors), then lint. Both compile every module that
# main.bicep references, so the modules' diagnostics show too (each file is named in its findings).
build_status=0
"$BICEP" build infra/main.bicep --outdir "$OUT_DIR" 2>>"$diagnostics" || build_status=$?
lint_status=0
"$BICEP" lint infra/main.bicep >>"$diagnostics" 2>&1 || lint_status=$?

# Build and lint report the same findings: show each once.
findings="$(grep -E ': (Warning|Error) ' "$diagnostics" | sort -u || true)"
if [ -n "$findings" ]; then
  echo "$findings" >&2
  fail "$(echo "$findings" | wc -l) Bicep warning(s)/error(s): fix them (warnings count as failures)."
fi
[ "$build_status" -eq 0 ] || { cat "$diagnostics" >&2; fail "bicep build failed (exit $build_status)."; }
[ "$lint_status" -eq 0 ] || { cat "$diagnostics" >&2; fail "bicep lint failed (exit $lint_status)."; }
[ -f "$OUT_DIR/main.json" ] || fail "bicep build wrote no $OUT_DIR/main.json."
log "bicep build and lint: no errors, no warnings"

npx --no-install tsx infra/scripts/check-arm.ts "$OUT_DIR/main.json" infra/main.parameters.json
