# Build desktop-asr for Windows (x64) with PyInstaller, from the same spec as Linux and macOS:
#
#   powershell -File packaging\windows\build.ps1          dist\desktop-asr\ (desktop-asr.exe,
#       the command line; desktop-asrw.exe, the app without a console window), zipped as
#       dist\desktop-asr-<version>-windows-x86_64.zip, the installer
#       dist\desktop-asr-<version>-windows-x86_64-setup.exe (Inno Setup 6), SHA256SUMS-windows
#   powershell -File packaging\windows\build.ps1 -Test    the same, then the bundle smoke
#       tests that can run on Windows (tests\bundle: --version, an m4a transcription)
#
# Uses the project's .venv when there is one, else makes it. Written for the release workflow
# (.github/workflows/release.yml); it has not been run on Windows yet.
param([switch]$Test)
$ErrorActionPreference = "Stop"
$Root = (Resolve-Path "$PSScriptRoot\..\..").Path
Set-Location $Root
$env:PYTHONDONTWRITEBYTECODE = "1"

function Check($what) {
    if ($LASTEXITCODE -ne 0) { throw "$what failed (exit status $LASTEXITCODE)" }
}

# --- the venv: the project's dependencies and PyInstaller (the app is frozen from the checkout)
if (-not (Test-Path ".venv\Scripts\python.exe")) { python -m venv .venv; Check "python -m venv" }
$Py = "$Root\.venv\Scripts\python.exe"
$Extras = @("build")
if ($Test) { $Extras += "test" }
$Deps = & $Py -c @"
import sys, tomllib
p = tomllib.load(open('pyproject.toml', 'rb'))['project']
print(*p['dependencies'], *[d for e in sys.argv[1:] for d in p['optional-dependencies'][e]], sep='\n')
"@ @Extras
Check "reading pyproject.toml"
& $Py -m pip install -q @Deps; Check "pip install"

# The version and every artifact's name come from packaging/bundle_plan.py.
$Version = & $Py packaging\bundle_plan.py version; Check "bundle_plan version"
$Zip = & $Py packaging\bundle_plan.py artifact zip; Check "bundle_plan artifact zip"
$Setup = & $Py packaging\bundle_plan.py artifact setup; Check "bundle_plan artifact setup"
Write-Host "==> desktop-asr $Version"

# --- the bundle -------------------------------------------------------------------------------
$Started = Get-Date
if (Test-Path dist\desktop-asr) { Remove-Item -Recurse -Force dist\desktop-asr }
& $Py -m PyInstaller --noconfirm --log-level WARN --distpath dist --workpath build\pyinstaller `
    packaging\desktop-asr.spec
Check "PyInstaller"
& dist\desktop-asr\desktop-asr.exe --version; Check "desktop-asr.exe --version"

# --- the zip and the installer ----------------------------------------------------------------
if (Test-Path "dist\$Zip") { Remove-Item -Force "dist\$Zip" }
Compress-Archive -Path dist\desktop-asr -DestinationPath "dist\$Zip"
$Iscc = (Get-Command iscc.exe -ErrorAction SilentlyContinue).Source
if (-not $Iscc) { $Iscc = "${env:ProgramFiles(x86)}\Inno Setup 6\ISCC.exe" }
if (-not (Test-Path $Iscc)) { throw "Inno Setup 6 (ISCC.exe) was not found: choco install innosetup" }
& $Iscc /Q "/DAppVersion=$Version" "/DOutputName=$([IO.Path]::GetFileNameWithoutExtension($Setup))" `
    "/DSourceDir=$Root\dist\desktop-asr" "/DIconFile=$Root\build\icons\desktop-asr.ico" `
    "/O$Root\dist" packaging\windows\desktop-asr.iss
Check "ISCC"

Get-FileHash "dist\$Zip", "dist\$Setup" -Algorithm SHA256 |
    ForEach-Object { "{0}  {1}" -f $_.Hash.ToLower(), (Split-Path $_.Path -Leaf) } |
    Set-Content dist\SHA256SUMS-windows -Encoding ascii
foreach ($f in "dist\$Zip", "dist\$Setup") {
    Write-Host ("==> {0} ({1:N0} MB)" -f $f, ((Get-Item $f).Length / 1MB))
}
Write-Host ("==> built in {0:N0} s" -f ((Get-Date) - $Started).TotalSeconds)

# --- the smoke tests --------------------------------------------------------------------------
if ($Test) {
    $env:DESKTOP_ASR_BUNDLE = "$Root\dist\desktop-asr\desktop-asr.exe"
    & $Py -m pytest tests\bundle -m bundle -p no:cacheprovider -v; Check "bundle smoke tests"
}
