<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
<context>
    <name>ApiKeyBox</name>
    <message>
        <source>API key</source>
        <translation>API 密钥</translation>
    </message>
    <message>
        <source>API keys cannot be stored in the system keyring: {0} A key you type here is kept for this session only (until desktop-asr quits), or the key can be read from an environment variable.</source>
        <translation>API 密钥无法保存到系统密钥环：{0} 在此输入的密钥仅在本次会话中保留（直到 desktop-asr 退出），也可以改为从环境变量读取密钥。</translation>
    </message>
    <message>
        <source>Keep the key in the system keyring</source>
        <translation>将密钥保存在系统密钥环中</translation>
    </message>
    <message>
        <source>Keep the key for this session only</source>
        <translation>仅在本次会话中保留密钥</translation>
    </message>
    <message>
        <source>Read the key from the environment variable</source>
        <translation>从环境变量读取密钥</translation>
    </message>
    <message>
        <source>Forget the stored key</source>
        <translation>删除已保存的密钥</translation>
    </message>
    <message>
        <source>typed in the box</source>
        <translation>在输入框中输入的</translation>
    </message>
    <message>
        <source>Name the environment variable that holds the key.</source>
        <translation>请填写存放密钥的环境变量名。</translation>
    </message>
    <message>
        <source>The key is read from ${0}.</source>
        <translation>密钥从 ${0} 读取。</translation>
    </message>
    <message>
        <source>The key is read from ${0}, which is not set in this session.</source>
        <translation>密钥从 ${0} 读取，但本次会话中未设置该变量。</translation>
    </message>
    <message>
        <source>No key stored yet.</source>
        <translation>尚未保存密钥。</translation>
    </message>
    <message>
        <source>The key is kept for this session only.</source>
        <translation>密钥仅在本次会话中保留。</translation>
    </message>
    <message>
        <source>The key is stored in the system keyring ({0}).</source>
        <translation>密钥已保存在系统密钥环中（{0}）。</translation>
    </message>
    <message>
        <source>The system keyring could not be read, so where the key is is unknown.</source>
        <translation>无法读取系统密钥环，因此不知道密钥保存在哪里。</translation>
    </message>
    <message>
        <source>No key stored (a server without an API key needs none).</source>
        <translation>未保存密钥（服务器不要求 API 密钥时无需填写）。</translation>
    </message>
    <message>
        <source>The environment variable ${0} is not set, so there is no API key to send.</source>
        <translation>未设置环境变量 ${0}，因此没有可发送的 API 密钥。</translation>
    </message>
    <message>
        <source>The stored API key of {0} is only sent to its saved server ({1}), so no key was sent to {2}. Type the key above to send it there, or save the profile first.</source>
        <translation>{0} 已保存的 API 密钥只会发送到它保存的服务器（{1}），因此没有向 {2} 发送任何密钥。请在上方输入密钥以发送到那里，或先保存此配置。</translation>
    </message>
    <message>
        <source>The API key is kept for this session only: it could not be stored in the system keyring, so enter it again after desktop-asr restarts.</source>
        <translation>API 密钥仅在本次会话中保留：它无法保存到系统密钥环，desktop-asr 重启后请重新输入。</translation>
    </message>
    <message>
        <source>The API key is stored in the system keyring.</source>
        <translation>API 密钥已保存在系统密钥环中。</translation>
    </message>
    <message>
        <source>The stored key was deleted.</source>
        <translation>已删除保存的密钥。</translation>
    </message>
    <message>
        <source>There was no stored key.</source>
        <translation>没有已保存的密钥。</translation>
    </message>
    <message>
        <source>Type a key to set or replace it</source>
        <translation>输入密钥以设置或替换</translation>
    </message>
    <message>
        <source>Optional: the server&apos;s API key</source>
        <translation>可选：服务器的 API 密钥</translation>
    </message>
</context>
<context>
    <name>AppController</name>
    <message>
        <source>Recording is unavailable on this system.</source>
        <translation>此系统上无法录音。</translation>
    </message>
    <message>
        <source>Recording {0}</source>
        <translation>录音 {0}</translation>
    </message>
    <message>
        <source>The audio of this recording was not kept, so it cannot be transcribed again.</source>
        <translation>此录音的音频未保留，因此无法重新转写。</translation>
    </message>
</context>
<context>
    <name>ConnectionTest</name>
    <message>
        <source>Connected: serves {0}; a 1-second test tone took {1} s.</source>
        <translation>已连接：服务器提供 {0}；转写 1 秒测试音用时 {1} 秒。</translation>
    </message>
</context>
<context>
    <name>ConnectionTestPanel</name>
    <message>
        <source>Test connection</source>
        <translation>测试连接</translation>
    </message>
    <message>
        <source>Testing the connection to {0}...</source>
        <translation>正在测试与 {0} 的连接…</translation>
    </message>
</context>
<context>
    <name>DesktopApp</name>
    <message>
        <source>Recording {0}</source>
        <translation>录音 {0}</translation>
    </message>
    <message>
        <source>Recordings interrupted by an unexpected exit could not be looked for: {0}</source>
        <translation>无法查找因意外退出而中断的录音：{0}</translation>
    </message>
    <message>
        <source>A recording interrupted by an unexpected exit could not be recovered.</source>
        <translation>一段因意外退出而中断的录音无法恢复。</translation>
    </message>
    <message>
        <source>1 recording recovered after an unexpected exit; its text will be in the history.</source>
        <translation>意外退出后已恢复 1 段录音；其文字将出现在历史记录中。</translation>
    </message>
    <message>
        <source>{0} recordings recovered after an unexpected exit; their text will be in the history.</source>
        <translation>意外退出后已恢复 {0} 段录音；它们的文字将出现在历史记录中。</translation>
    </message>
    <message>
        <source>Recordings recovered</source>
        <translation>录音已恢复</translation>
    </message>
    <message>
        <source>Dictation</source>
        <translation>听写</translation>
    </message>
    <message>
        <source>Transcript ready</source>
        <translation>转写完成</translation>
    </message>
    <message>
        <source>The transcript is on the clipboard.</source>
        <translation>转写结果已复制到剪贴板。</translation>
    </message>
</context>
<context>
    <name>Dictation</name>
    <message>
        <source>The dictation keys are not active: {0}</source>
        <translation>听写快捷键未启用：{0}</translation>
    </message>
    <message>
        <source>Nothing heard.</source>
        <translation>没有听到声音。</translation>
    </message>
    <message>
        <source>Dictation {0}</source>
        <translation>听写 {0}</translation>
    </message>
    <message>
        <source>The text could not be pasted; it is on the clipboard. {0}</source>
        <translation>无法粘贴文字，文字已放到剪贴板上。{0}</translation>
    </message>
    <message>
        <source>Dictation could not be sent while speaking ({0}); the recording is transcribed as a file.</source>
        <translation>说话期间无法发送听写（{0}），录音将作为文件转写。</translation>
    </message>
</context>
<context>
    <name>DictationSettings</name>
    <message>
        <source>You can also bind the command {0} to a key in your desktop&apos;s own keyboard settings.</source>
        <translation>也可以在桌面环境自己的键盘设置中，把命令 {0} 绑定到一个按键。</translation>
    </message>
    <message>
        <source>Paste into the focused window</source>
        <translation>粘贴到当前窗口</translation>
    </message>
    <message>
        <source>Type it key by key (for apps that block paste)</source>
        <translation>逐键输入（用于禁止粘贴的应用）</translation>
    </message>
    <message>
        <source>Only put it on the clipboard</source>
        <translation>只放到剪贴板</translation>
    </message>
    <message>
        <source>Nothing</source>
        <translation>无</translation>
    </message>
    <message>
        <source>A space</source>
        <translation>一个空格</translation>
    </message>
    <message>
        <source>A new line</source>
        <translation>换行</translation>
    </message>
    <message>
        <source>Stop by itself after a silence of</source>
        <translation>静音多久后自动停止：</translation>
    </message>
    <message>
        <source> s</source>
        <translation> 秒</translation>
    </message>
    <message>
        <source>Show a small indicator while recording</source>
        <translation>录音时显示一个小指示窗</translation>
    </message>
    <message>
        <source>On Wayland a new window takes the keyboard focus, so the indicator would take the text meant for your application: it is not shown here. The tray icon shows that desktop-asr is recording.</source>
        <translation>在 Wayland 下，新窗口会获得键盘焦点，指示器会抢走本应输入到您的应用中的文字，因此这里不显示它。托盘图标会显示 desktop-asr 正在录音。</translation>
    </message>
    <message>
        <source>Play a sound when recording starts and stops</source>
        <translation>开始和停止录音时播放提示音</translation>
    </message>
    <message>
        <source>Start and stop:</source>
        <translation>开始和停止：</translation>
    </message>
    <message>
        <source>Push to talk (hold):</source>
        <translation>按住说话：</translation>
    </message>
    <message>
        <source>The text:</source>
        <translation>文字：</translation>
    </message>
    <message>
        <source>After the text:</source>
        <translation>文字之后：</translation>
    </message>
</context>
<context>
    <name>DropZone</name>
    <message>
        <source>Transcribe files</source>
        <translation>转写文件</translation>
    </message>
    <message>
        <source>Audio and video ({0});;All files (*)</source>
        <translation>音频和视频 ({0});;所有文件 (*)</translation>
    </message>
    <message>
        <source>Drop audio or video files, folders or links here</source>
        <translation>将音频、视频文件、文件夹或链接拖放到这里</translation>
    </message>
    <message>
        <source>Choose files…</source>
        <translation>选择文件…</translation>
    </message>
    <message>
        <source>Looking for audio and video files…</source>
        <translation>正在查找音频和视频文件…</translation>
    </message>
    <message>
        <source>No audio or video files were found in what was dropped.</source>
        <translation>拖放的内容中没有找到音频或视频文件。</translation>
    </message>
</context>
<context>
    <name>ErrorBanner</name>
    <message>
        <source>Details…</source>
        <translation>详细信息…</translation>
    </message>
    <message>
        <source>Dismiss</source>
        <translation>关闭</translation>
    </message>
</context>
<context>
    <name>ErrorPanel</name>
    <message>
        <source>Something went wrong; the details say what.</source>
        <translation>出现错误，详细信息中有具体说明。</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>详细信息</translation>
    </message>
</context>
<context>
    <name>ErrorText</name>
    <message>
        <source>The server at {where} refused the connection. Is the server running on that port?</source>
        <translation>{where} 上的服务器拒绝了连接。服务器是否在该端口上运行？</translation>
    </message>
    <message>
        <source>The server at {where} did not answer within {seconds} s. Is the address right and the server switched on?</source>
        <translation>{where} 上的服务器在 {seconds} 秒内没有应答。地址是否正确？服务器是否已开机？</translation>
    </message>
    <message>
        <source>The server at {where} cannot be found: its host name does not resolve. Check the address.</source>
        <translation>找不到 {where} 上的服务器：无法解析其主机名。请检查地址。</translation>
    </message>
    <message>
        <source>The server at {where} cannot be reached.</source>
        <translation>无法连接到 {where} 上的服务器。</translation>
    </message>
    <message>
        <source>The connection to {where} broke off before the reply was complete.</source>
        <translation>与 {where} 的连接在回复完成前中断了。</translation>
    </message>
    <message>
        <source>The server at {where} took too long to answer.</source>
        <translation>{where} 上的服务器应答超时。</translation>
    </message>
    <message>
        <source>The secure connection to {where} failed: the server does not speak TLS on this port (try http:// instead of https://).</source>
        <translation>与 {where} 的安全连接失败：服务器在此端口上不使用 TLS（请把 https:// 改为 http:// 试试）。</translation>
    </message>
    <message>
        <source>The secure connection to {where} failed: the server&apos;s certificate is not trusted (self-signed, expired or for another name).</source>
        <translation>与 {where} 的安全连接失败：服务器的证书不受信任（自签名、已过期或属于其他域名）。</translation>
    </message>
    <message>
        <source>The server at {where} serves no models yet. Is the model still loading?</source>
        <translation>{where} 上的服务器还没有提供任何模型。模型是否仍在加载？</translation>
    </message>
    <message>
        <source>The server does not serve the model “{model}”. Models it serves: {available}.</source>
        <translation>服务器没有提供模型“{model}”。它提供的模型：{available}。</translation>
    </message>
    <message>
        <source>The server does not serve the model “{model}”.</source>
        <translation>服务器没有提供模型“{model}”。</translation>
    </message>
    <message>
        <source>The server rejected the API key. Check the key in the profile.</source>
        <translation>服务器拒绝了 API 密钥。请检查配置中的密钥。</translation>
    </message>
    <message>
        <source>The profile “{profile}” reads its API key from the environment variable {variable}, which is not set.</source>
        <translation>配置“{profile}”从环境变量 {variable} 读取 API 密钥，但该变量未设置。</translation>
    </message>
    <message>
        <source>Nothing answers at this address. Check the server URL: it should point at the OpenAI-compatible API.</source>
        <translation>此地址上没有服务应答。请检查服务器地址：它应指向兼容 OpenAI 的 API。</translation>
    </message>
    <message>
        <source>The server answered with a web page instead of a transcription. Is the URL right, or is a proxy in the way?</source>
        <translation>服务器返回的是网页而不是转写结果。地址是否正确？是否有代理挡在中间？</translation>
    </message>
    <message>
        <source>The server is busy. Try again in a moment.</source>
        <translation>服务器正忙，请稍后再试。</translation>
    </message>
    <message>
        <source>The server, or a proxy in front of it, is unavailable (HTTP {status}).</source>
        <translation>服务器或其前面的代理暂不可用（HTTP {status}）。</translation>
    </message>
    <message>
        <source>The server refused the request (HTTP {status}).</source>
        <translation>服务器拒绝了请求（HTTP {status}）。</translation>
    </message>
    <message>
        <source>The server failed (HTTP {status}).</source>
        <translation>服务器出错（HTTP {status}）。</translation>
    </message>
    <message>
        <source>The server cannot take this much audio at once.</source>
        <translation>服务器无法一次处理这么长的音频。</translation>
    </message>
    <message>
        <source>The server address is not usable.</source>
        <translation>该服务器地址无法使用。</translation>
    </message>
    <message>
        <source>No server is set up yet. Choose “Set up…” to add your server.</source>
        <translation>尚未设置服务器。请选择“设置…”添加你的服务器。</translation>
    </message>
    <message>
        <source>There is no profile named “{name}”.</source>
        <translation>没有名为“{name}”的配置。</translation>
    </message>
    <message>
        <source>There is no vocabulary list named “{name}”.</source>
        <translation>没有名为“{name}”的词表。</translation>
    </message>
    <message>
        <source>{path} does not exist.</source>
        <translation>{path} 不存在。</translation>
    </message>
    <message>
        <source>{path} is a folder, not a file.</source>
        <translation>{path} 是文件夹，不是文件。</translation>
    </message>
    <message>
        <source>{name} is empty.</source>
        <translation>{name} 是空文件。</translation>
    </message>
    <message>
        <source>You have no permission to read {path}.</source>
        <translation>你没有读取 {path} 的权限。</translation>
    </message>
    <message>
        <source>{name} is not an audio or video file, or it is corrupt.</source>
        <translation>{name} 不是音频或视频文件，或者文件已损坏。</translation>
    </message>
    <message>
        <source>{name} holds no audio.</source>
        <translation>{name} 中没有音频。</translation>
    </message>
    <message>
        <source>{name} is corrupt: decoding stopped after {seconds} s.</source>
        <translation>{name} 已损坏：解码在 {seconds} 秒处中断。</translation>
    </message>
    <message>
        <source>The audio could not be read: the process reading it stopped (exit code {exit_code}).</source>
        <translation>无法读取音频：读取它的进程已停止（退出码 {exit_code}）。</translation>
    </message>
    <message>
        <source>Nothing heard.</source>
        <translation>没有听到声音。</translation>
    </message>
    <message>
        <source>No system keyring is available on this desktop.</source>
        <translation>此桌面上没有可用的系统密钥环。</translation>
    </message>
    <message>
        <source>The system keyring ({backend}) cannot be used: {reason}.</source>
        <translation>系统密钥环（{backend}）无法使用：{reason}。</translation>
    </message>
    <message>
        <source>The system keyring ({backend}) could not store the API key: {reason}.</source>
        <translation>系统密钥环（{backend}）无法保存 API 密钥：{reason}。</translation>
    </message>
    <message>
        <source>The system keyring ({backend}) could not delete the API key: {reason}.</source>
        <translation>系统密钥环（{backend}）无法删除 API 密钥：{reason}。</translation>
    </message>
    <message>
        <source>The system keyring ({backend}) could not move the API key: {reason}.</source>
        <translation>系统密钥环（{backend}）无法转移 API 密钥：{reason}。</translation>
    </message>
    <message>
        <source>Recording is unavailable: the PortAudio library is missing (on Debian or Ubuntu: apt install libportaudio2). Transcribing files still works.</source>
        <translation>无法录音：缺少 PortAudio 库（Debian 或 Ubuntu 上请运行：apt install libportaudio2）。转写文件仍然可用。</translation>
    </message>
    <message>
        <source>Recording is unavailable: the sounddevice package is not installed. Transcribing files still works.</source>
        <translation>无法录音：未安装 sounddevice 软件包。转写文件仍然可用。</translation>
    </message>
    <message>
        <source>Recording is unavailable: the audio system could not be started. Transcribing files still works.</source>
        <translation>无法录音：音频系统无法启动。转写文件仍然可用。</translation>
    </message>
    <message>
        <source>Recording is unavailable: no microphone or other input device was found. Transcribing files still works.</source>
        <translation>无法录音：没有找到麦克风或其他输入设备。转写文件仍然可用。</translation>
    </message>
    <message>
        <source>The microphone “{device}” was not found: it may be unplugged. Plug it in, or choose another input device in the settings.</source>
        <translation>找不到麦克风“{device}”：它可能已被拔出。请插上它，或在设置中选择其他输入设备。</translation>
    </message>
    <message>
        <source>The microphone “{device}” is busy or unavailable: another application may be using it, or it was unplugged.</source>
        <translation>麦克风“{device}”正忙或不可用：可能有其他应用正在使用它，或者它已被拔出。</translation>
    </message>
    <message>
        <source>The microphone “{device}” could not be opened for recording.</source>
        <translation>无法打开麦克风“{device}”进行录音。</translation>
    </message>
    <message>
        <source>The microphone “{device}” sends no audio: another application may be using it, or it is not working.</source>
        <translation>麦克风“{device}”没有传来声音：可能有其他应用正在使用它，或者它无法工作。</translation>
    </message>
    <message>
        <source>The microphone “{device}” stopped working (was it unplugged?).</source>
        <translation>麦克风“{device}”停止工作了（是否被拔出？）。</translation>
    </message>
    <message>
        <source>The recording stopped: the microphone “{device}” stopped working (was it unplugged?). What was recorded until then is kept.</source>
        <translation>录音已停止：麦克风“{device}”停止工作了（是否被拔出？）。此前录下的内容已保留。</translation>
    </message>
    <message>
        <source>The disk is full: the recording could not be written to {path}. What was recorded until then is kept.</source>
        <translation>磁盘已满：录音无法写入 {path}。此前录下的内容已保留。</translation>
    </message>
    <message>
        <source>Writing the recording to {path} failed: {reason}. What was recorded until then is kept.</source>
        <translation>录音写入 {path} 失败：{reason}。此前录下的内容已保留。</translation>
    </message>
    <message>
        <source>The recording file {path} could not be created: {reason}.</source>
        <translation>无法创建录音文件 {path}：{reason}。</translation>
    </message>
    <message>
        <source>The recording could not be finished in time: writing to the disk is stuck.</source>
        <translation>录音未能及时结束：磁盘写入卡住了。</translation>
    </message>
    <message>
        <source>This is a Wayland session, where applications cannot listen for keys globally, so the keys set here cannot work. Add a shortcut in your desktop&apos;s own keyboard settings that runs the command: desktop-asr --toggle-recording</source>
        <translation>这是 Wayland 会话，应用程序无法全局监听按键，因此这里设置的快捷键不起作用。请在桌面环境自己的键盘设置中添加一个快捷键，运行命令：desktop-asr --toggle-recording</translation>
    </message>
    <message>
        <source>No graphical display was found, so global keys cannot work.</source>
        <translation>没有找到图形显示，因此全局快捷键无法工作。</translation>
    </message>
    <message>
        <source>The disk is full: {path} cannot be written.</source>
        <translation>磁盘已满：无法写入 {path}。</translation>
    </message>
    <message>
        <source>The history is busy: another program keeps it locked. Try again.</source>
        <translation>历史记录正忙：另一个程序锁住了它。请再试一次。</translation>
    </message>
    <message>
        <source>The history database {path} is damaged. Move it away to start a new history; it was left unchanged.</source>
        <translation>历史数据库 {path} 已损坏。把它移走即可开始新的历史记录；原文件未做任何改动。</translation>
    </message>
    <message>
        <source>The history database {path} cannot be opened for writing.</source>
        <translation>无法以写入方式打开历史数据库 {path}。</translation>
    </message>
    <message>
        <source>This transcript is no longer in the history.</source>
        <translation>这份转写已不在历史记录中。</translation>
    </message>
    <message>
        <source>Cancelled.</source>
        <translation>已取消。</translation>
    </message>
    <message>
        <source>The server cannot be reached.</source>
        <translation>无法连接到服务器。</translation>
    </message>
    <message>
        <source>The server took too long to answer.</source>
        <translation>服务器应答超时。</translation>
    </message>
    <message>
        <source>The server is busy or unavailable. Try again later.</source>
        <translation>服务器正忙或不可用，请稍后再试。</translation>
    </message>
    <message>
        <source>The server&apos;s answer is not a transcription.</source>
        <translation>服务器的回复不是转写结果。</translation>
    </message>
    <message>
        <source>The server reported an error.</source>
        <translation>服务器报告了一个错误。</translation>
    </message>
    <message>
        <source>This file is not audio or video that can be read.</source>
        <translation>此文件不是可读取的音频或视频。</translation>
    </message>
    <message>
        <source>A settings file cannot be read.</source>
        <translation>无法读取设置文件。</translation>
    </message>
    <message>
        <source>That was not found.</source>
        <translation>没有找到。</translation>
    </message>
    <message>
        <source>The system keyring cannot be used.</source>
        <translation>系统密钥环无法使用。</translation>
    </message>
    <message>
        <source>Recording failed.</source>
        <translation>录音失败。</translation>
    </message>
    <message>
        <source>This cannot be used as given.</source>
        <translation>输入的内容无法使用。</translation>
    </message>
    <message>
        <source>Something went wrong.</source>
        <translation>出错了。</translation>
    </message>
    <message>
        <source>The server said: {0}</source>
        <translation>服务器的回复：{0}</translation>
    </message>
</context>
<context>
    <name>FindBar</name>
    <message>
        <source>Find in the transcript</source>
        <translation>在转写结果中查找</translation>
    </message>
    <message>
        <source>Previous</source>
        <translation>上一个</translation>
    </message>
    <message>
        <source>Next</source>
        <translation>下一个</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Not found</source>
        <translation>未找到</translation>
    </message>
</context>
<context>
    <name>FirstRunDialog</name>
    <message>
        <source>Welcome to desktop-asr</source>
        <translation>欢迎使用 desktop-asr</translation>
    </message>
    <message>
        <source>Connect to your speech recognition server</source>
        <translation>连接到你的语音识别服务器</translation>
    </message>
    <message>
        <source>desktop-asr sends your recordings and files to your own Qwen3-ASR server. Type the address of the computer that runs it in place of HOST (for example 192.168.1.20), then test the connection and save. You can add more servers later under Profiles.</source>
        <translation>desktop-asr 会将你的录音和文件发送到你自己的 Qwen3-ASR 服务器。请将 HOST 替换为运行该服务器的计算机的地址（例如 192.168.1.20），然后测试连接并保存。以后可以在“服务器配置”中添加更多服务器。</translation>
    </message>
    <message>
        <source>My server</source>
        <translation>我的服务器</translation>
    </message>
    <message>
        <source>API key (only if your server asks for one)</source>
        <translation>API 密钥（仅当服务器要求时填写）</translation>
    </message>
    <message>
        <source>Save anyway</source>
        <translation>仍然保存</translation>
    </message>
    <message>
        <source>Go back</source>
        <translation>返回</translation>
    </message>
    <message>
        <source>Server address:</source>
        <translation>服务器地址：</translation>
    </message>
    <message>
        <source>Model:</source>
        <translation>模型：</translation>
    </message>
    <message>
        <source>Profile name:</source>
        <translation>配置名称：</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <source>Type your server&apos;s address in place of HOST, for example http://192.168.1.20:30101.</source>
        <translation>请将 HOST 替换为服务器的地址，例如 http://192.168.1.20:30101。</translation>
    </message>
    <message>
        <source>The connection test failed, so transcriptions may fail too. Save this server anyway?</source>
        <translation>连接测试失败了，转写也可能会失败。仍然保存这个服务器吗？</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
</context>
<context>
    <name>HistoryPanel</name>
    <message>
        <source>Search transcripts</source>
        <translation>搜索转写记录</translation>
    </message>
    <message>
        <source>Transcripts</source>
        <translation>转写记录</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>打开</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <source>Re-run with</source>
        <translation>重新转写</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>No transcript contains “{0}”.</source>
        <translation>没有包含“{0}”的转写记录。</translation>
    </message>
    <message>
        <source>No transcripts yet.</source>
        <translation>还没有转写记录。</translation>
    </message>
    <message>
        <source>The newest {0} are shown; search to find older ones.</source>
        <translation>仅显示最新的 {0} 条；更早的记录请通过搜索查找。</translation>
    </message>
    <message>
        <source>Transcripts: {0}</source>
        <translation>共 {0} 条转写记录</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>完成</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <source>Pending</source>
        <translation>等待中</translation>
    </message>
    <message>
        <source>Recording</source>
        <translation>正在录音</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <source>Recovered after an unexpected exit</source>
        <translation>意外退出后恢复</translation>
    </message>
    <message>
        <source>Waiting for the server</source>
        <translation>正在等待服务器</translation>
    </message>
    <message>
        <source>Being recorded</source>
        <translation>正在录制</translation>
    </message>
    <message>
        <source>Delete this transcript and its recording ({0})? This cannot be undone.</source>
        <translation>删除这份转写及其录音（{0}）？此操作无法撤销。</translation>
    </message>
    <message>
        <source>Delete this transcript of {0} from the history? Your file is not touched.</source>
        <translation>从历史记录中删除 {0} 的这份转写？你的文件不受影响。</translation>
    </message>
    <message>
        <source>Re-run with profile</source>
        <translation>使用服务器配置重新转写</translation>
    </message>
    <message>
        <source>No profiles</source>
        <translation>没有服务器配置</translation>
    </message>
</context>
<context>
    <name>HotkeyMessages</name>
    <message>
        <source>No key combination was given.</source>
        <translation>没有给出按键组合。</translation>
    </message>
    <message>
        <source>“{text}” is several combinations one after the other; a hotkey is a single combination, such as Ctrl+Alt+D.</source>
        <translation>“{text}”是先后按下的多个组合；快捷键只能是一个组合，例如 Ctrl+Alt+D。</translation>
    </message>
    <message>
        <source>“{key}” is not a key name this app knows; use names such as Ctrl, Alt, Shift, Meta, A to Z, 0 to 9, F1 to F20, Space, Pause or ScrollLock.</source>
        <translation>“{key}”不是本程序认识的按键名称；请使用 Ctrl、Alt、Shift、Meta、A 到 Z、0 到 9、F1 到 F20、Space、Pause 或 ScrollLock 等名称。</translation>
    </message>
    <message>
        <source>{key} cannot be used for a hotkey; use F1 to F20.</source>
        <translation>{key} 不能用作快捷键；请使用 F1 到 F20。</translation>
    </message>
    <message>
        <source>“{text}” has two ordinary keys, {first} and {second}; a hotkey is modifiers plus one key.</source>
        <translation>“{text}”包含两个普通按键 {first} 和 {second}；快捷键由修饰键加一个按键组成。</translation>
    </message>
    <message>
        <source>{combination} has only modifier keys, so it would fire during ordinary shortcuts; add a key, such as {combination}+D.</source>
        <translation>{combination} 只有修饰键，在使用普通快捷键时也会触发；请再加一个按键，例如 {combination}+D。</translation>
    </message>
    <message>
        <source>{combination} would fire while you type; add Ctrl, Alt or Meta, or use a key such as F9 or Pause.</source>
        <translation>{combination} 在打字时就会触发；请加上 Ctrl、Alt 或 Meta，或使用 F9、Pause 这样的按键。</translation>
    </message>
    <message>
        <source>{combination} is reserved by the system; choose another combination.</source>
        <translation>{combination} 已被系统占用；请选择其他组合。</translation>
    </message>
    <message>
        <source>{combination} switches the input method or its modes on many desktops; choose another combination.</source>
        <translation>{combination} 在许多桌面上用于切换输入法或其模式；请选择其他组合。</translation>
    </message>
    <message>
        <source>{key} would still switch its lock on and off each time you use it; choose another key.</source>
        <translation>{key} 每次使用时仍会切换锁定状态；请选择其他按键。</translation>
    </message>
    <message>
        <source>{combination} takes screenshots on most desktops; choose another combination.</source>
        <translation>{combination} 在大多数桌面上用于截图；请选择其他组合。</translation>
    </message>
    <message>
        <source>{key} alone can only be the push-to-talk key, and only Right Ctrl, Right Alt or Right Shift: other modifiers alone fire during ordinary shortcuts.</source>
        <translation>单独的 {key} 只能用作按住说话键，而且只能是右 Ctrl、右 Alt 或右 Shift：其他单独的修饰键在使用普通快捷键时也会触发。</translation>
    </message>
    <message>
        <source>Toggle and push-to-talk both use {combination}; give them different keys.</source>
        <translation>开始/停止和按住说话都使用了 {combination}；请给它们设置不同的按键。</translation>
    </message>
    <message>
        <source>The push-to-talk key {key} is a modifier of the toggle combination {combination}, so toggling with it would also start push-to-talk; choose another push-to-talk key.</source>
        <translation>按住说话键 {key} 是开始/停止组合 {combination} 中的修饰键，按下开始/停止组合时也会触发按住说话；请选择其他按住说话键。</translation>
    </message>
</context>
<context>
    <name>KeyField</name>
    <message>
        <source>Off</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Turn this key off</source>
        <translation>关闭这个快捷键</translation>
    </message>
</context>
<context>
    <name>Languages</name>
    <message>
        <source>Chinese</source>
        <translation>中文</translation>
    </message>
    <message>
        <source>English</source>
        <translation>英语</translation>
    </message>
    <message>
        <source>Cantonese</source>
        <translation>粤语</translation>
    </message>
    <message>
        <source>Arabic</source>
        <translation>阿拉伯语</translation>
    </message>
    <message>
        <source>German</source>
        <translation>德语</translation>
    </message>
    <message>
        <source>French</source>
        <translation>法语</translation>
    </message>
    <message>
        <source>Spanish</source>
        <translation>西班牙语</translation>
    </message>
    <message>
        <source>Portuguese</source>
        <translation>葡萄牙语</translation>
    </message>
    <message>
        <source>Indonesian</source>
        <translation>印尼语</translation>
    </message>
    <message>
        <source>Italian</source>
        <translation>意大利语</translation>
    </message>
    <message>
        <source>Korean</source>
        <translation>韩语</translation>
    </message>
    <message>
        <source>Russian</source>
        <translation>俄语</translation>
    </message>
    <message>
        <source>Thai</source>
        <translation>泰语</translation>
    </message>
    <message>
        <source>Vietnamese</source>
        <translation>越南语</translation>
    </message>
    <message>
        <source>Japanese</source>
        <translation>日语</translation>
    </message>
    <message>
        <source>Turkish</source>
        <translation>土耳其语</translation>
    </message>
    <message>
        <source>Hindi</source>
        <translation>印地语</translation>
    </message>
    <message>
        <source>Malay</source>
        <translation>马来语</translation>
    </message>
    <message>
        <source>Dutch</source>
        <translation>荷兰语</translation>
    </message>
    <message>
        <source>Swedish</source>
        <translation>瑞典语</translation>
    </message>
    <message>
        <source>Danish</source>
        <translation>丹麦语</translation>
    </message>
    <message>
        <source>Finnish</source>
        <translation>芬兰语</translation>
    </message>
    <message>
        <source>Polish</source>
        <translation>波兰语</translation>
    </message>
    <message>
        <source>Czech</source>
        <translation>捷克语</translation>
    </message>
    <message>
        <source>Filipino</source>
        <translation>菲律宾语</translation>
    </message>
    <message>
        <source>Persian</source>
        <translation>波斯语</translation>
    </message>
    <message>
        <source>Greek</source>
        <translation>希腊语</translation>
    </message>
    <message>
        <source>Romanian</source>
        <translation>罗马尼亚语</translation>
    </message>
    <message>
        <source>Hungarian</source>
        <translation>匈牙利语</translation>
    </message>
    <message>
        <source>Macedonian</source>
        <translation>马其顿语</translation>
    </message>
</context>
<context>
    <name>LevelMeter</name>
    <message>
        <source>Input level</source>
        <translation>输入电平</translation>
    </message>
    <message>
        <source>The loudness of the microphone, from -60 dB (silence) to 0 dB (the loudest the input can take). Red means too loud.</source>
        <translation>麦克风的音量，从 -60 dB（静音）到 0 dB（输入所能承受的最大音量）。红色表示音量过大。</translation>
    </message>
</context>
<context>
    <name>ListUsage</name>
    <message>
        <source>Used with: {0}</source>
        <translation>用于：{0}</translation>
    </message>
    <message>
        <source>No profile uses this list yet, so its words are not sent to the server.</source>
        <translation>还没有配置使用这个词表，所以其中的词不会发送给服务器。</translation>
    </message>
    <message>
        <source>Use with {0}</source>
        <translation>用于 {0}</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>desktop-asr — Transcribe</source>
        <translation>desktop-asr — 转写</translation>
    </message>
    <message>
        <source>Profiles…</source>
        <translation>服务器配置…</translation>
    </message>
    <message>
        <source>Vocabulary…</source>
        <translation>词表…</translation>
    </message>
    <message>
        <source>Settings…</source>
        <translation>设置…</translation>
    </message>
    <message>
        <source>Default profile:</source>
        <translation>默认配置：</translation>
    </message>
    <message>
        <source>The server profile the app uses, and the default of the desktop-asr command line.</source>
        <translation>应用使用的服务器配置，也是 desktop-asr 命令行的默认配置。</translation>
    </message>
    <message>
        <source>Transcript (new)</source>
        <translation>转写（新）</translation>
    </message>
    <message>
        <source>Clear finished</source>
        <translation>清除已完成</translation>
    </message>
    <message>
        <source>Transcript</source>
        <translation>转写结果</translation>
    </message>
    <message>
        <source>History</source>
        <translation>历史记录</translation>
    </message>
</context>
<context>
    <name>PermissionNotice</name>
    <message>
        <source>Allow desktop-asr to type for you</source>
        <translation>允许 desktop-asr 替你输入</translation>
    </message>
    <message>
        <source>Allow desktop-asr to use the microphone</source>
        <translation>允许 desktop-asr 使用麦克风</translation>
    </message>
    <message>
        <source>To paste or type dictated text into other applications, and to hear the dictation keys while another application is in front, macOS needs your permission.

Open System Settings → Privacy &amp; Security → Accessibility and switch on desktop-asr. Until then, dictated text is left on the clipboard for you to paste with Cmd+V.</source>
        <translation>要把听写的文字粘贴或输入到其他应用，并在其他应用位于前台时响应听写快捷键，macOS 需要你的许可。

请打开“系统设置”→“隐私与安全性”→“辅助功能”，然后打开 desktop-asr。在此之前，听写的文字会留在剪贴板上，你可以按 Cmd+V 粘贴。</translation>
    </message>
    <message>
        <source>macOS does not let desktop-asr use the microphone, so recordings would be silent.

Open System Settings → Privacy &amp; Security → Microphone, switch on desktop-asr, then start desktop-asr again. Dropped files are transcribed either way.</source>
        <translation>macOS 不允许 desktop-asr 使用麦克风，因此录音将没有声音。

请打开“系统设置”→“隐私与安全性”→“麦克风”，打开 desktop-asr，然后重新启动 desktop-asr。拖入的文件不受影响，照常转写。</translation>
    </message>
    <message>
        <source>Open System Settings</source>
        <translation>打开系统设置</translation>
    </message>
    <message>
        <source>Later</source>
        <translation>稍后</translation>
    </message>
    <message>
        <source>System Settings could not be opened; open it from the Apple menu.</source>
        <translation>无法打开系统设置；请从苹果菜单中打开。</translation>
    </message>
</context>
<context>
    <name>ProfileDialog</name>
    <message>
        <source>Server profiles</source>
        <translation>服务器配置</translation>
    </message>
    <message>
        <source>Add</source>
        <translation>添加</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <source>Make default</source>
        <translation>设为默认</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <source>Revert</source>
        <translation>还原</translation>
    </message>
    <message>
        <source>{0} (default)</source>
        <translation>{0}（默认）</translation>
    </message>
    <message>
        <source>Profile {0}</source>
        <translation>服务器配置：{0}</translation>
    </message>
    <message>
        <source>New profile</source>
        <translation>新服务器配置</translation>
    </message>
    <message>
        <source>New profile {0}</source>
        <translation>新服务器配置 {0}</translation>
    </message>
    <message>
        <source>A new profile (not saved yet)</source>
        <translation>新的服务器配置（尚未保存）</translation>
    </message>
    <message>
        <source>Saved the profile {0}.</source>
        <translation>已保存服务器配置“{0}”。</translation>
    </message>
    <message>
        <source>Remove the profile {0}? Its API key is deleted from the system keyring too.</source>
        <translation>移除服务器配置“{0}”？其 API 密钥也会从系统密钥环中删除。</translation>
    </message>
    <message>
        <source>Removed the profile {0}.</source>
        <translation>已移除服务器配置“{0}”。</translation>
    </message>
    <message>
        <source>Asking {0} for its models...</source>
        <translation>正在向 {0} 查询模型…</translation>
    </message>
    <message>
        <source>The server serves: {0}</source>
        <translation>服务器提供的模型：{0}</translation>
    </message>
    <message>
        <source>The server lists no models; is the model still loading?</source>
        <translation>服务器没有列出任何模型；模型是否仍在加载？</translation>
    </message>
    <message>
        <source>Discard the changes you made to this profile?</source>
        <translation>放弃对此服务器配置所做的更改？</translation>
    </message>
</context>
<context>
    <name>ProfileForm</name>
    <message>
        <source>Choose a CA bundle</source>
        <translation>选择 CA 证书包</translation>
    </message>
    <message>
        <source>Certificates (*.pem *.crt *.cer);;All files (*)</source>
        <translation>证书 (*.pem *.crt *.cer);;所有文件 (*)</translation>
    </message>
    <message>
        <source>s</source>
        <comment>the unit after a number of seconds</comment>
        <translation>秒</translation>
    </message>
    <message>
        <source>One server address, or several separated by spaces (one per GPU): each chunk goes to the server with the most free capacity.</source>
        <translation>一个服务器地址，或以空格分隔的多个地址（每块 GPU 一个）：每个音频分段会发往空闲容量最多的服务器。</translation>
    </message>
    <message>
        <source>The first model the server lists</source>
        <translation>服务器列出的第一个模型</translation>
    </message>
    <message>
        <source>Fetch models</source>
        <translation>获取模型</translation>
    </message>
    <message>
        <source>Chat completions (/v1/chat/completions)</source>
        <translation>对话补全（/v1/chat/completions）</translation>
    </message>
    <message>
        <source>Transcriptions upload (/v1/audio/transcriptions)</source>
        <translation>上传转写（/v1/audio/transcriptions）</translation>
    </message>
    <message>
        <source>Detect automatically</source>
        <translation>自动检测</translation>
    </message>
    <message>
        <source>Name:</source>
        <translation>名称：</translation>
    </message>
    <message>
        <source>Server URL:</source>
        <translation>服务器地址：</translation>
    </message>
    <message>
        <source>Model:</source>
        <translation>模型：</translation>
    </message>
    <message>
        <source>API style:</source>
        <translation>API 类型：</translation>
    </message>
    <message>
        <source>Language:</source>
        <translation>语言：</translation>
    </message>
    <message>
        <source>Optional: names, terms or a sentence about the topic, sent with every request.</source>
        <translation>可选：人名、术语或一句关于主题的说明，会随每个请求一起发送。</translation>
    </message>
    <message>
        <source>Vocabulary lists used with this profile:</source>
        <translation>此服务器配置使用的词表：</translation>
    </message>
    <message>
        <source>Context:</source>
        <translation>上下文：</translation>
    </message>
    <message>
        <source>As recognised</source>
        <translation>保持识别结果</translation>
    </message>
    <message>
        <source>Simplified Chinese</source>
        <translation>简体中文</translation>
    </message>
    <message>
        <source>Traditional Chinese</source>
        <translation>繁体中文</translation>
    </message>
    <message>
        <source>Traditional Chinese (Taiwan)</source>
        <translation>繁体中文（台湾）</translation>
    </message>
    <message>
        <source>Traditional Chinese (Hong Kong)</source>
        <translation>繁体中文（香港）</translation>
    </message>
    <message>
        <source>Dictated Chinese:</source>
        <translation>听写的中文：</translation>
    </message>
    <message>
        <source>Send the audio in the request</source>
        <translation>在请求中发送音频</translation>
    </message>
    <message>
        <source>Let the server fetch web addresses</source>
        <translation>让服务器自行获取网址</translation>
    </message>
    <message>
        <source>Send asr_options (vocabulary hints) to the server</source>
        <translation>向服务器发送 asr_options（词表提示）</translation>
    </message>
    <message>
        <source>Verify the server&apos;s TLS certificate</source>
        <translation>验证服务器的 TLS 证书</translation>
    </message>
    <message>
        <source>The system&apos;s certificates</source>
        <translation>系统证书</translation>
    </message>
    <message>
        <source>Choose...</source>
        <translation>选择…</translation>
    </message>
    <message>
        <source>Header</source>
        <translation>请求头</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>值</translation>
    </message>
    <message>
        <source>Add header</source>
        <translation>添加请求头</translation>
    </message>
    <message>
        <source>Remove header</source>
        <translation>移除请求头</translation>
    </message>
    <message>
        <source>Transport:</source>
        <translation>传输方式：</translation>
    </message>
    <message>
        <source>Longest chunk:</source>
        <translation>最长分段：</translation>
    </message>
    <message>
        <source>Requests at once:</source>
        <translation>并发请求数：</translation>
    </message>
    <message>
        <source>Connect timeout:</source>
        <translation>连接超时：</translation>
    </message>
    <message>
        <source>Read timeout:</source>
        <translation>读取超时：</translation>
    </message>
    <message>
        <source>CA bundle:</source>
        <translation>CA 证书包：</translation>
    </message>
    <message>
        <source>Extra headers:</source>
        <translation>额外请求头：</translation>
    </message>
    <message>
        <source>Server</source>
        <translation>服务器</translation>
    </message>
    <message>
        <source>Vocabulary and context</source>
        <translation>词表和上下文</translation>
    </message>
    <message>
        <source>Advanced</source>
        <translation>高级</translation>
    </message>
    <message>
        <source>{0} (missing: no such list)</source>
        <translation>{0}（缺失：没有此词表）</translation>
    </message>
</context>
<context>
    <name>QueueRow</name>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Retry</source>
        <translation>重试</translation>
    </message>
    <message>
        <source>Show</source>
        <translation>查看</translation>
    </message>
    <message>
        <source>Waiting for its turn</source>
        <translation>排队等待中</translation>
    </message>
    <message>
        <source>Transcribing…</source>
        <translation>正在转写…</translation>
    </message>
    <message>
        <source>Transcribing… {0}%</source>
        <translation>正在转写… {0}%</translation>
    </message>
    <message>
        <source>next try in {0} s</source>
        <translation>{0} 秒后重试</translation>
    </message>
    <message>
        <source>This transcript was deleted from the history.</source>
        <translation>这份转写已从历史记录中删除。</translation>
    </message>
    <message>
        <source>trying again</source>
        <translation>正在重试</translation>
    </message>
    <message>
        <source>Paused at {0}%, waiting for the server ({1}): {2}</source>
        <translation>已暂停在 {0}%，正在等待服务器（{1}）：{2}</translation>
    </message>
    <message>
        <source>Not sent yet, waiting for the server ({0}): {1}</source>
        <translation>尚未发送，正在等待服务器（{0}）：{1}</translation>
    </message>
    <message>
        <source>(no speech)</source>
        <translation>（无语音）</translation>
    </message>
    <message>
        <source>Done ✓ · {0}</source>
        <translation>完成 ✓ · {0}</translation>
    </message>
    <message>
        <source>Done ✓ in {0} s · {1}</source>
        <translation>完成 ✓ 用时 {0} 秒 · {1}</translation>
    </message>
    <message>
        <source>Failed: {0}</source>
        <translation>失败：{0}</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <source>{0} of {1} parts</source>
        <translation>第 {0}/{1} 段</translation>
    </message>
    <message>
        <source>{0} parts done</source>
        <translation>已完成 {0} 段</translation>
    </message>
    <message>
        <source>{0} elapsed</source>
        <translation>已用 {0}</translation>
    </message>
    <message>
        <source>about {0} left</source>
        <translation>约剩 {0}</translation>
    </message>
</context>
<context>
    <name>QueueView</name>
    <message>
        <source>Nothing is being transcribed.</source>
        <translation>当前没有正在转写的内容。</translation>
    </message>
</context>
<context>
    <name>RecordPanel</name>
    <message>
        <source>Record, then transcribe into this window (Ctrl+R)</source>
        <translation>录音，然后转写到此窗口（Ctrl+R）</translation>
    </message>
    <message>
        <source>Input:</source>
        <translation>输入设备：</translation>
    </message>
    <message>
        <source>System default</source>
        <translation>系统默认</translation>
    </message>
    <message>
        <source>{0} (not connected)</source>
        <translation>{0}（未连接）</translation>
    </message>
    <message>
        <source>To dictate into another app, press {0} there: the text is typed where you are.</source>
        <translation>要向其他应用听写，请在那里按 {0}：文字会输入到光标所在处。</translation>
    </message>
    <message>
        <source>To dictate into another app, choose a dictation key in Settings.</source>
        <translation>要向其他应用听写，请在“设置”中选择听写快捷键。</translation>
    </message>
    <message>
        <source>■  Stop and transcribe</source>
        <translation>■  停止并转写</translation>
    </message>
    <message>
        <source>●  Record and transcribe here</source>
        <translation>●  录音并在此转写</translation>
    </message>
</context>
<context>
    <name>RecordingIndicator</name>
    <message>
        <source>Recording</source>
        <translation>正在录音</translation>
    </message>
</context>
<context>
    <name>Recordings</name>
    <message>
        <source>A recording file could not be created: {0}.</source>
        <translation>无法创建录音文件：{0}。</translation>
    </message>
</context>
<context>
    <name>SegmentPlayer</name>
    <message>
        <source>There is no audio to play for this transcript.</source>
        <translation>这条转写结果没有可播放的音频。</translation>
    </message>
    <message>
        <source>The audio cannot be played: {0}</source>
        <translation>无法播放音频：{0}</translation>
    </message>
    <message>
        <source>Playback is not available: no sound output device could be opened.</source>
        <translation>无法播放：打不开任何声音输出设备。</translation>
    </message>
</context>
<context>
    <name>SegmentTable</name>
    <message>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>Text</source>
        <translation>文本</translation>
    </message>
    <message>
        <source>Transcript segments</source>
        <translation>转写分段</translation>
    </message>
    <message>
        <source>{0} to {1}: click to play from here</source>
        <translation>{0} 至 {1}：点击从这里播放</translation>
    </message>
</context>
<context>
    <name>SegmentsPage</name>
    <message>
        <source>Play</source>
        <translation>播放</translation>
    </message>
    <message>
        <source>Click a segment to play from there · Space pauses · double-click to correct · Ctrl+F finds</source>
        <translation>点击分段从该处播放 · 空格键暂停 · 双击修改文字 · Ctrl+F 查找</translation>
    </message>
    <message>
        <source>The audio of this transcript is not at hand to play.</source>
        <translation>找不到这条转写结果的音频，无法播放。</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
</context>
<context>
    <name>ServerStatus</name>
    <message>
        <source>● Checking the server…</source>
        <translation>● 正在检查服务器…</translation>
    </message>
    <message>
        <source>● Connected · {0} · {1} ms</source>
        <translation>● 已连接 · {0} · {1} 毫秒</translation>
    </message>
    <message>
        <source>The server answers.</source>
        <translation>服务器有应答。</translation>
    </message>
    <message>
        <source>● Unreachable — retrying</source>
        <translation>● 无法连接 — 正在重试</translation>
    </message>
    <message>
        <source>● API key rejected</source>
        <translation>● API 密钥被拒绝</translation>
    </message>
    <message>
        <source>● Model not found</source>
        <translation>● 找不到模型</translation>
    </message>
    <message>
        <source>● Server problem</source>
        <translation>● 服务器有问题</translation>
    </message>
</context>
<context>
    <name>SessionMethods</name>
    <message>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <source>Create the shortcut in GNOME…</source>
        <translation>在 GNOME 中创建快捷键…</translation>
    </message>
    <message>
        <source>This session: {0}</source>
        <translation>当前会话：{0}</translation>
    </message>
    <message>
        <source>Not used here: {0}</source>
        <translation>此处未使用：{0}</translation>
    </message>
    <message>
        <source>Keys: no display was found, so no keys can be caught.</source>
        <translation>按键：未找到显示器，因此无法捕获任何按键。</translation>
    </message>
    <message>
        <source>Keys: your desktop&apos;s global shortcuts (it may ask you to confirm them, and lets you change them in its settings).</source>
        <translation>按键：使用桌面的全局快捷键（桌面可能会请您确认，并允许您在其设置中修改）。</translation>
    </message>
    <message>
        <source>Keys: caught by desktop-asr anywhere on the desktop.</source>
        <translation>按键：desktop-asr 在桌面任何位置都能捕获。</translation>
    </message>
    <message>
        <source>add these lines to {0} and reload it</source>
        <translation>将以下几行添加到 {0} 并重新加载</translation>
    </message>
    <message>
        <source>a custom shortcut in Settings → Keyboard → Custom Shortcuts (push to talk is not possible: GNOME runs shortcuts only on the press)</source>
        <translation>在“设置 → 键盘 → 自定义快捷键”中添加（无法使用按住说话：GNOME 只在按下时运行快捷键）</translation>
    </message>
    <message>
        <source>a custom shortcut in your desktop&apos;s keyboard settings that runs the command below</source>
        <translation>在桌面的键盘设置中添加一个运行下面命令的自定义快捷键</translation>
    </message>
    <message>
        <source>Keys: {0}. Use your desktop&apos;s own shortcut: {1}.</source>
        <translation>按键：{0}。请使用桌面自带的快捷键：{1}。</translation>
    </message>
    <message>
        <source> Your clipboard is kept with wl-clipboard.</source>
        <translation>剪贴板内容通过 wl-clipboard 保留。</translation>
    </message>
    <message>
        <source>Text: pasted or typed by desktop-asr.</source>
        <translation>文字：由 desktop-asr 粘贴或输入。</translation>
    </message>
    <message>
        <source>Text: sent through your desktop&apos;s remote-desktop permission (asked once).</source>
        <translation>文字：通过桌面的远程桌面权限发送（只询问一次）。</translation>
    </message>
    <message>
        <source>Text: left on the clipboard, with a notice to press Ctrl+V (nothing here can send keys to other windows).</source>
        <translation>文字：留在剪贴板上，并提示您按 Ctrl+V（此处没有任何工具能向其他窗口发送按键）。</translation>
    </message>
    <message>
        <source>Text: pasted or typed with {0}.</source>
        <translation>文字：使用 {0} 粘贴或输入。</translation>
    </message>
    <message>
        <source>{0} is not installed</source>
        <translation>未安装 {0}</translation>
    </message>
    <message>
        <source>it works only on wlroots compositors (sway, Hyprland…), not on {0}</source>
        <translation>它只适用于 wlroots 合成器（sway、Hyprland…），不适用于 {0}</translation>
    </message>
    <message>
        <source>its service is not running ({0} is missing)</source>
        <translation>它的服务未运行（缺少 {0}）</translation>
    </message>
    <message>
        <source>not needed outside Wayland</source>
        <translation>在 Wayland 之外不需要</translation>
    </message>
    <message>
        <source>not offered by this desktop</source>
        <translation>此桌面不提供</translation>
    </message>
    <message>
        <source>this desktop does not let it send keys</source>
        <translation>此桌面不允许用它发送按键</translation>
    </message>
    <message>
        <source>this desktop offers no global shortcuts to applications</source>
        <translation>此桌面不向应用提供全局快捷键</translation>
    </message>
    <message>
        <source>no display was found</source>
        <translation>未找到显示器</translation>
    </message>
    <message>
        <source>Add a custom keyboard shortcut {0} to GNOME that starts and stops dictation? Your other shortcuts are kept.</source>
        <translation>要在 GNOME 中添加自定义快捷键 {0} 来开始和停止听写吗？您的其他快捷键会保留。</translation>
    </message>
    <message>
        <source>Shortcut created</source>
        <translation>快捷键已创建</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>Save transcripts in</source>
        <translation>保存转写结果的文件夹</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <source>Recording</source>
        <translation>录音</translation>
    </message>
    <message>
        <source>Input device:</source>
        <translation>输入设备：</translation>
    </message>
    <message>
        <source>Copy each transcript to the clipboard when it is done</source>
        <translation>每次转写完成后将结果复制到剪贴板</translation>
    </message>
    <message>
        <source>Save each transcript in a folder:</source>
        <translation>将每次的转写结果保存到文件夹：</translation>
    </message>
    <message>
        <source>Choose...</source>
        <translation>选择…</translation>
    </message>
    <message>
        <source>Plain text (.txt)</source>
        <translation>纯文本 (.txt)</translation>
    </message>
    <message>
        <source>JSON (.json)</source>
        <translation>JSON (.json)</translation>
    </message>
    <message>
        <source>SubRip subtitles (.srt)</source>
        <translation>SubRip 字幕 (.srt)</translation>
    </message>
    <message>
        <source>WebVTT subtitles (.vtt)</source>
        <translation>WebVTT 字幕 (.vtt)</translation>
    </message>
    <message>
        <source>Markdown (.md)</source>
        <translation>Markdown (.md)</translation>
    </message>
    <message>
        <source>Transcripts</source>
        <translation>转写结果</translation>
    </message>
    <message>
        <source>Keep all recordings</source>
        <translation>保留所有录音</translation>
    </message>
    <message>
        <source>Keep recordings for</source>
        <translation>录音保留</translation>
    </message>
    <message>
        <source>days</source>
        <translation>天</translation>
    </message>
    <message>
        <source>Delete each recording once it is transcribed</source>
        <translation>每段录音转写完成后即删除</translation>
    </message>
    <message>
        <source>Recordings in the history</source>
        <translation>历史记录中的录音</translation>
    </message>
    <message>
        <source>Start desktop-asr when I log in</source>
        <translation>登录时启动 desktop-asr</translation>
    </message>
    <message>
        <source>Starting at login is not supported on this system; add desktop-asr to your system&apos;s startup programs yourself.</source>
        <translation>此系统不支持登录时启动；请自行将 desktop-asr 添加到系统的启动程序中。</translation>
    </message>
    <message>
        <source>Follow the system</source>
        <translation>跟随系统</translation>
    </message>
    <message>
        <source>A new interface language is used after desktop-asr restarts.</source>
        <translation>新语言在 desktop-asr 重启后生效。</translation>
    </message>
    <message>
        <source>Notify me when a transcription finishes while the window is hidden</source>
        <translation>窗口隐藏时，转写完成后通知我</translation>
    </message>
    <message>
        <source>Application</source>
        <translation>应用程序</translation>
    </message>
    <message>
        <source>Interface language:</source>
        <translation>界面语言：</translation>
    </message>
    <message>
        <source>Recent transcripts in the tray menu:</source>
        <translation>托盘菜单中的最近转写数：</translation>
    </message>
    <message>
        <source>General</source>
        <translation>常规</translation>
    </message>
    <message>
        <source>Dictation</source>
        <translation>听写</translation>
    </message>
    <message>
        <source>Choose the folder to save transcripts in, or turn saving them off.</source>
        <translation>请选择保存转写结果的文件夹，或关闭自动保存。</translation>
    </message>
    <message>
        <source>The settings could not be saved in {0}: {1}</source>
        <translation>无法将设置保存到 {0}：{1}</translation>
    </message>
    <message>
        <source>The history is not available, so this cannot be changed now.</source>
        <translation>历史记录不可用，因此现在无法更改此项。</translation>
    </message>
    <message>
        <source>System default</source>
        <translation>系统默认</translation>
    </message>
    <message>
        <source>{0} (the system default)</source>
        <translation>{0}（系统默认）</translation>
    </message>
    <message>
        <source>{0} (not connected)</source>
        <translation>{0}（未连接）</translation>
    </message>
    <message>
        <source>No microphone or other input device was found.</source>
        <translation>未找到麦克风或其他输入设备。</translation>
    </message>
</context>
<context>
    <name>SetupBanner</name>
    <message>
        <source>No server set up yet. desktop-asr sends your recordings and files to your own speech recognition server: set it up to start.</source>
        <translation>尚未设置服务器。desktop-asr 会把你的录音和文件发送到你自己的语音识别服务器：请先设置它再开始。</translation>
    </message>
    <message>
        <source>Set up…</source>
        <translation>设置…</translation>
    </message>
</context>
<context>
    <name>TextDelivery</name>
    <message>
        <source>The text is on the clipboard: press Cmd+V to paste it (macOS lets desktop-asr type into other applications once you allow it in System Settings → Privacy &amp; Security → Accessibility).</source>
        <translation>文字已在剪贴板上：按 Cmd+V 粘贴（在“系统设置”→“隐私与安全性”→“辅助功能”中允许后，macOS 才会让 desktop-asr 向其他应用输入文字）。</translation>
    </message>
    <message>
        <source>The text could not be pasted; it is on the clipboard.</source>
        <translation>无法粘贴文字；文字已在剪贴板上。</translation>
    </message>
    <message>
        <source>The text is on the clipboard: press Ctrl+V to paste it (this desktop lets no application type into another).</source>
        <translation>文字已在剪贴板上：请按 Ctrl+V 粘贴（此桌面不允许应用向其他应用输入文字）。</translation>
    </message>
    <message>
        <source>The text could not be pasted or put on the clipboard here; it is kept in the history.</source>
        <translation>此处无法粘贴文字，也无法将其放到剪贴板上；文字已保存在历史记录中。</translation>
    </message>
</context>
<context>
    <name>TranscriptView</name>
    <message>
        <source>Cannot save {0}: {1}.</source>
        <translation>无法保存 {0}：{1}。</translation>
    </message>
    <message>
        <source>Cannot find a free file name for {0} in {1}.</source>
        <translation>无法在 {1} 中为 {0} 找到可用的文件名。</translation>
    </message>
    <message>
        <source>Plain text (*.txt)</source>
        <translation>纯文本 (*.txt)</translation>
    </message>
    <message>
        <source>SubRip subtitles (*.srt)</source>
        <translation>SubRip 字幕 (*.srt)</translation>
    </message>
    <message>
        <source>WebVTT subtitles (*.vtt)</source>
        <translation>WebVTT 字幕 (*.vtt)</translation>
    </message>
    <message>
        <source>JSON with segments (*.json)</source>
        <translation>带分段的 JSON (*.json)</translation>
    </message>
    <message>
        <source>Markdown (*.md)</source>
        <translation>Markdown (*.md)</translation>
    </message>
    <message>
        <source>The transcript will appear here.</source>
        <translation>转写结果将显示在这里。</translation>
    </message>
    <message>
        <source>Transcript</source>
        <translation>转写结果</translation>
    </message>
    <message>
        <source>Segments</source>
        <translation>分段</translation>
    </message>
    <message>
        <source>Text</source>
        <translation>文本</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <source>Save SRT</source>
        <translation>保存 SRT</translation>
    </message>
    <message>
        <source>Save TXT</source>
        <translation>保存 TXT</translation>
    </message>
    <message>
        <source>Save as...</source>
        <translation>另存为…</translation>
    </message>
    <message>
        <source>This transcription failed: {0}</source>
        <translation>本次转写失败：{0}</translation>
    </message>
    <message>
        <source>This transcription is waiting for the server.</source>
        <translation>本次转写正在等待服务器。</translation>
    </message>
    <message>
        <source>Transcribing… the text appears part by part.</source>
        <translation>正在转写… 文字会逐段显示。</translation>
    </message>
    <message>
        <source>Language: {0}</source>
        <translation>语言：{0}</translation>
    </message>
    <message>
        <source>Duration: {0}</source>
        <translation>时长：{0}</translation>
    </message>
    <message>
        <source>Profile: {0}</source>
        <translation>服务器配置：{0}</translation>
    </message>
    <message>
        <source>Source: {0}</source>
        <translation>来源：{0}</translation>
    </message>
    <message>
        <source>Copied</source>
        <translation>已复制</translation>
    </message>
    <message>
        <source>Save the transcript</source>
        <translation>保存转写结果</translation>
    </message>
    <message>
        <source>Saved {0}</source>
        <translation>已保存 {0}</translation>
    </message>
</context>
<context>
    <name>Tray</name>
    <message>
        <source>Transcribe files</source>
        <translation>转写文件</translation>
    </message>
    <message>
        <source>Audio and video files ({0});;All files (*)</source>
        <translation>音频和视频文件 ({0});;所有文件 (*)</translation>
    </message>
    <message>
        <source>No system tray was found, so desktop-asr runs as a normal window. Closing the window quits the app.</source>
        <translation>未找到系统托盘，desktop-asr 将以普通窗口运行。关闭窗口即退出应用。</translation>
    </message>
    <message>
        <source>Open window</source>
        <translation>打开窗口</translation>
    </message>
    <message>
        <source>Settings...</source>
        <translation>设置…</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>退出</translation>
    </message>
    <message>
        <source>Stop recording</source>
        <translation>停止录音</translation>
    </message>
    <message>
        <source>Dictate into the active app ({0})</source>
        <translation>向当前应用听写（{0}）</translation>
    </message>
    <message>
        <source>Dictate into the active app</source>
        <translation>向当前应用听写</translation>
    </message>
    <message>
        <source>Recording unavailable</source>
        <translation>无法录音</translation>
    </message>
    <message>
        <source>Transcribe file...</source>
        <translation>转写文件…</translation>
    </message>
    <message>
        <source>Recent transcripts</source>
        <translation>最近的转写</translation>
    </message>
    <message>
        <source>No transcripts yet</source>
        <translation>还没有转写记录</translation>
    </message>
    <message>
        <source>(no speech)</source>
        <translation>（无语音）</translation>
    </message>
    <message>
        <source>Profile</source>
        <translation>服务器配置</translation>
    </message>
    <message>
        <source>No profiles</source>
        <translation>没有服务器配置</translation>
    </message>
    <message>
        <source>Manage…</source>
        <translation>管理…</translation>
    </message>
    <message>
        <source>Vocabulary</source>
        <translation>词表</translation>
    </message>
    <message>
        <source>Choose a profile first</source>
        <translation>请先选择服务器配置</translation>
    </message>
    <message>
        <source>No lists</source>
        <translation>没有词表</translation>
    </message>
    <message>
        <source>Copied</source>
        <translation>已复制</translation>
    </message>
    <message>
        <source>Recording {0}</source>
        <translation>正在录音 {0}</translation>
    </message>
    <message>
        <source>Transcribing {0} of {1}</source>
        <translation>正在转写第 {0} 个，共 {1} 个</translation>
    </message>
    <message>
        <source>Transcribing…</source>
        <translation>正在转写…</translation>
    </message>
    <message>
        <source>Error: {0}</source>
        <translation>错误：{0}</translation>
    </message>
    <message>
        <source>Error</source>
        <translation>错误</translation>
    </message>
    <message>
        <source>desktop-asr — idle</source>
        <translation>desktop-asr — 空闲</translation>
    </message>
</context>
<context>
    <name>VocabularyDialog</name>
    <message>
        <source>Vocabulary files (*.csv *.json *.txt)</source>
        <translation>词表文件 (*.csv *.json *.txt)</translation>
    </message>
    <message>
        <source>CSV: word,sounds_like (*.csv)</source>
        <translation>CSV：word,sounds_like (*.csv)</translation>
    </message>
    <message>
        <source>JSON (*.json)</source>
        <translation>JSON (*.json)</translation>
    </message>
    <message>
        <source>Text: one word per line (*.txt)</source>
        <translation>文本：每行一个词 (*.txt)</translation>
    </message>
    <message>
        <source>CapsWriter-Offline hot words (hot*.txt)</source>
        <translation>CapsWriter-Offline 热词 (hot*.txt)</translation>
    </message>
    <message>
        <source>Import vocabulary</source>
        <translation>导入词表</translation>
    </message>
    <message>
        <source>Export vocabulary</source>
        <translation>导出词表</translation>
    </message>
    <message>
        <source>Vocabulary</source>
        <translation>词表</translation>
    </message>
    <message>
        <source>New...</source>
        <translation>新建…</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <source>Correct transcripts with this list</source>
        <translation>用此词表校正转写结果</translation>
    </message>
    <message>
        <source>After each transcription, replace what was heard (the sounds-like hints) with the word.</source>
        <translation>每次转写后，将识别出的近似读音替换为对应的词。</translation>
    </message>
    <message>
        <source>Add word</source>
        <translation>添加词</translation>
    </message>
    <message>
        <source>Remove selected</source>
        <translation>移除所选</translation>
    </message>
    <message>
        <source>Import...</source>
        <translation>导入…</translation>
    </message>
    <message>
        <source>Export...</source>
        <translation>导出…</translation>
    </message>
    <message>
        <source>Revert</source>
        <translation>还原</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <source>The list {0}</source>
        <translation>词表“{0}”</translation>
    </message>
    <message>
        <source>No vocabulary list yet: make one with New..., or import a file.</source>
        <translation>还没有词表：点击“新建…”创建一个，或导入文件。</translation>
    </message>
    <message>
        <source>New vocabulary list</source>
        <translation>新建词表</translation>
    </message>
    <message>
        <source>Name of the new list:</source>
        <translation>新词表的名称：</translation>
    </message>
    <message>
        <source>Delete the vocabulary list {0} with all its words?</source>
        <translation>删除词表“{0}”及其中的所有词？</translation>
    </message>
    <message>
        <source>Deleted the list {0}.</source>
        <translation>已删除词表“{0}”。</translation>
    </message>
    <message numerus="yes">
        <source>Saved %n word(s) in the list {0}.</source>
        <translation>
            <numerusform>已在词表“{0}”中保存 %n 个词。</numerusform>
        </translation>
    </message>
    <message>
        <source>Importing {0}...</source>
        <translation>正在导入 {0}…</translation>
    </message>
    <message numerus="yes">
        <source>Imported %n word(s) from {0}.</source>
        <translation>
            <numerusform>已从 {0} 导入 %n 个词。</numerusform>
        </translation>
    </message>
    <message>
        <source>Line {0}: {1}</source>
        <translation>第 {0} 行：{1}</translation>
    </message>
    <message>
        <source>Some lines could not be used; the rest was imported.</source>
        <translation>部分行无法使用，其余内容已导入。</translation>
    </message>
    <message numerus="yes">
        <source>Exported %n word(s) to {0} ({1}).</source>
        <translation>
            <numerusform>已将 %n 个词导出到 {0}（{1}）。</numerusform>
        </translation>
    </message>
    <message>
        <source>Discard the changes you made to the list {0}?</source>
        <translation>放弃对词表“{0}”所做的更改？</translation>
    </message>
    <message>
        <source>Imported</source>
        <translation>导入的词表</translation>
    </message>
</context>
<context>
    <name>VocabularyTable</name>
    <message>
        <source>Word</source>
        <translation>词</translation>
    </message>
    <message>
        <source>Sounds like</source>
        <translation>近似读音</translation>
    </message>
    <message>
        <source>How the word may be heard, separated by commas, e.g. &quot;bu er jia, bu er ga&quot;.</source>
        <translation>这个词可能被听成的读音，用逗号分隔，例如“bu er jia, bu er ga”。</translation>
    </message>
    <message>
        <source>Row {0} has sounds-like hints but no word.</source>
        <translation>第 {0} 行填写了近似读音，但没有填写词。</translation>
    </message>
    <message>
        <source>Row {0}: {1}</source>
        <translation>第 {0} 行：{1}</translation>
    </message>
    <message>
        <source>The word {0} is in rows {1} and {2}: keep one row and put all its hints there.</source>
        <translation>词“{0}”同时出现在第 {1} 行和第 {2} 行：请只保留一行，并把所有近似读音都填在这一行。</translation>
    </message>
</context>
</TS>
