; Inno Setup script of desktop-asr's Windows installer. packaging/windows/build.ps1 compiles it
; after PyInstaller has built dist\desktop-asr, passing what comes from elsewhere:
;   iscc /DAppVersion=<desktop_asr/__init__.py's version> /DOutputName=<the installer's name>
;        /DSourceDir=<dist\desktop-asr> /DIconFile=<build\icons\desktop-asr.ico> desktop-asr.iss
; The version is never written here (packaging/bundle_plan.py reads its one home).
;
; Installs for the current user without administrator rights (Program Files when run as
; administrator), with a Start-menu entry, an optional start at login (the same Run value
; the app's Settings switch on and off), and an uninstaller that quits the running app and
; removes the program, its Start-menu entry and that Run value. Settings, history and API
; keys (in Windows' Credential Manager) stay, as with the Linux packages.

#ifndef AppVersion
  #error AppVersion is not defined: build with packaging/windows/build.ps1
#endif
#ifndef OutputName
  #error OutputName is not defined: build with packaging/windows/build.ps1
#endif
#ifndef SourceDir
  #error SourceDir is not defined: build with packaging/windows/build.ps1
#endif
#ifndef IconFile
  #error IconFile is not defined: build with packaging/windows/build.ps1
#endif
#define AppName "desktop-asr"
; The program the Start menu and the login item run: desktop-asr without a console window.
#define AppExe "desktop-asrw.exe"
; The command line (with a console): used here to quit a running app before uninstalling.
#define CliExe "desktop-asr.exe"
; The value desktop_asr/system/login_items.py writes for "Start at login".
#define RunKey "Software\Microsoft\Windows\CurrentVersion\Run"
#define RunValue "desktop-asr"

[Setup]
AppId={{7B0F3C2E-5D8A-4E55-9A61-2C4D9E7F1A30}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher={#AppName}
VersionInfoVersion={#AppVersion}
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputBaseFilename={#OutputName}
SetupIconFile={#IconFile}
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName={#AppName}
LicenseFile=..\..\LICENSE
Compression=lzma2
SolidCompression=yes
WizardStyle=modern
CloseApplications=yes

[Languages]
Name: "en"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "startatlogin"; Description: "Start {#AppName} when I log in"; Flags: unchecked

[Files]
Source: "{#SourceDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\{#AppName}"; Filename: "{app}\{#AppExe}"; Comment: "Speech to text through your own Qwen3-ASR server"
Name: "{group}\Uninstall {#AppName}"; Filename: "{uninstallexe}"

[Registry]
Root: HKCU; Subkey: "{#RunKey}"; ValueType: string; ValueName: "{#RunValue}"; ValueData: """{app}\{#AppExe}"""; Tasks: startatlogin; Flags: uninsdeletevalue

[Run]
Filename: "{app}\{#AppExe}"; Description: "Start {#AppName} now"; Flags: nowait postinstall skipifsilent

[UninstallRun]
Filename: "{app}\{#CliExe}"; Parameters: "--quit"; Flags: runhidden waituntilterminated; RunOnceId: "QuitRunningApp"

[UninstallDelete]
Type: filesandordirs; Name: "{app}\_internal"

[Code]
{ "Start at login" may also have been switched on in the app's Settings, without the
  installer's task: the uninstaller removes the value in every case. }
procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
begin
  if CurUninstallStep = usPostUninstall then
    RegDeleteValue(HKEY_CURRENT_USER, '{#RunKey}', '{#RunValue}');
end;
