# ASK CLI build hook (Windows). `ask deploy` runs it in its copy of lambda/ (.ask/lambda/) as:
#   PowerShell.exe -Command "& {& 'hooks\build.ps1' 'ZIP_PATH' $False }"
# It must leave the Lambda zip at ZIP_PATH; the work is done by ops/deploy/buildHook.ts
# with the project's own tsx, exactly as hooks/build.sh does on macOS and Linux.
param(
    [Parameter(Mandatory = $true, Position = 0)][string]$ZipPath,
    [Parameter(Position = 1)][bool]$DoDebug = $false
)
$ErrorActionPreference = 'Stop'
$Root = Split-Path -Parent $PSScriptRoot
$Tsx = Join-Path $Root 'node_modules/tsx/dist/cli.mjs'
$Hook = Join-Path $Root 'ops/deploy/buildHook.ts'
& node $Tsx $Hook $ZipPath $DoDebug.ToString().ToLowerInvariant()
exit $LASTEXITCODE
