#!/bin/sh
# /usr/bin/desktop-asr of the .deb: the bundle lives in /opt/desktop-asr.
exec /opt/desktop-asr/desktop-asr "$@"
