<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
<context>
    <name>PlaceholderWindow</name>
    <message>
        <source>Dictate, or drop audio and video files, and get text back from your own Qwen3-ASR server.</source>
        <translation>口述，或拖入音频、视频文件，由你自己的 Qwen3-ASR 服务器转写成文字。</translation>
    </message>
    <message>
        <source>File transcription is available from the command line:</source>
        <translation>目前可以通过命令行转写文件：</translation>
    </message>
    <message>
        <source>Select the command to copy it</source>
        <translation>可选中此命令进行复制</translation>
    </message>
    <message>
        <source>The full window, with recording, drag-and-drop and server profiles, is coming in a later version.</source>
        <translation>完整的窗口（包括录音、拖放和服务器配置）将在后续版本中推出。</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
</context>
</TS>
